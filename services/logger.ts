import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths that may carry what a user wrote or who they are. pino removes them from every line, so a
 * careless `logger.info({ activity })` cannot leak a child's words or number.
 */
const REDACT_PATHS = [
  'text', '*.text', '*.*.text', 'phone', '*.phone', 'from', '*.from', 'name', '*.name', 'body', '*.body',
  'value', '*.value', 'recipient', '*.recipient', 'wa_id', '*.wa_id', 'password', '*.password',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'sishu-mitra' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination,
  );
}
