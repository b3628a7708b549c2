// When the agent tables on disk were read from the store (table-cache.ts `opened-at`): what an answer from an earlier
// process's files says it is as of. A record that is missing or does not parse falls back to the directory's time,
// never to "now" or an invalid date.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackedColumnFiles } from '../../bot/src/hunting/table-cache.js';

describe('the time a version on disk was read', () => {
  let dir: string;
  let files: PackedColumnFiles;
  const key = 'agents-7-token';
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-table-cache-'));
    files = new PackedColumnFiles(dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is the time recorded beside the columns', async () => {
    const at = new Date('2026-12-07T05:00:00Z');
    await files.markOpenedAt(key, at);
    expect(await files.openedAt(key)).toEqual(at);
  });

  it("is the directory's time when the record is missing or does not parse", async () => {
    await files.markOpenedAt(key, new Date('2026-12-07T05:00:00Z'));
    const record = path.join(dir, key, 'opened-at');
    const made = new Date('2026-11-30T08:00:00Z');
    for (const spoil of [() => fs.rm(record), () => fs.writeFile(record, 'not a date\u0000')]) {
      await spoil();
      await fs.utimes(path.join(dir, key), made, made);
      const { birthtime } = await fs.stat(path.join(dir, key));
      const expected = birthtime.getTime() > 0 ? birthtime : made;
      expect(await files.openedAt(key)).toEqual(expected);
    }
  });
});
