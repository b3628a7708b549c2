import fs from 'node:fs/promises';
import path from 'node:path';

/** Owner only: the store's files hold roles and the audit trail, the signing key signs tokens. */
const PRIVATE_UMASK = 0o077;

/**
 * Makes DATA_DIR private before the store writes to it: the process umask becomes 077 (so PGlite's files
 * are 0600, its directories 0700) and a new DATA_DIR is made 0700. An existing directory others can
 * read or write is left as it is (it may be shared on purpose) and reported as a warning to log.
 */
export async function preparePrivateDataDir(dataDir: string): Promise<{ warning: string | null }> {
  process.umask(PRIVATE_UMASK);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const mode = (await fs.stat(dataDir)).mode & 0o777;
  if ((mode & PRIVATE_UMASK) === 0) return { warning: null };
  return {
    warning:
      `DATA_DIR ${dataDir} is open to other users of this machine (mode ${mode.toString(8)}): ` +
      `they can read the store and the signing key; run chmod 700 on it`,
  };
}

/**
 * PGlite sets its files' modes itself (0666, whatever the umask): they are taken back to owner only
 * (files 0600, directories 0700) after the store opens and again after it closes. Files it makes while
 * running stay as it made them until then, inside a DATA_DIR others cannot enter.
 */
export async function restrictToOwner(dir: string): Promise<void> {
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await fs.chmod(file, 0o700);
        pending.push(file);
      } else if (entry.isFile()) {
        await fs.chmod(file, 0o600);
      }
    }
  }
}
