/**
 * The logger the control plane takes: pino-compatible (a pino `Logger` fits),
 * structured object first, message second.
 *
 * @example
 * import pino from 'pino';
 * const logger: ControlLogger = pino({ level: 'info' });
 */
export interface ControlLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
