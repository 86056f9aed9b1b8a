import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * The process logger: pino JSON lines on stdout (one object per line, `msg` the message), so a log
 * shipper, `jq`, Greengrass and IoT Edge all read it. Secrets never reach it: callers mask credentials.
 *
 * @example
 * const log = createLogger('info');
 * log.info({ http: '0.0.0.0:8080' }, 'gateway ready');
 */
export function createLogger(level: LevelWithSilent, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
