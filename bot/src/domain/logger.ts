/**
 * The one logging port, in pino's call shape (fields first, then the message), so the server's logger is handed
 * down as it is. The composition root creates it first (`bot/src/logging.ts`); every room takes it as `log`.
 */
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Writes nothing: for parts built outside a server (scripts, tests that do not read logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
