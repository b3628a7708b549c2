import { pino, type Logger as PinoLogger } from 'pino';

export type { PinoLogger };

/**
 * The server's logger, created first in the composition root and handed to every room (they see the domain's
 * `Logger` port) and to Fastify, so requests and rooms write one stream in one shape.
 */
export function createLogger(options: { level: string; enabled?: boolean }): PinoLogger {
  return pino({
    level: options.level,
    enabled: options.enabled !== false,
    // Headers are never logged whole; these are named so that no future serializer leaks them.
    redact: ['req.headers.authorization', 'req.headers["x-dev-user"]', 'req.headers.cookie'],
  });
}
