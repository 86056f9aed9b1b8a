/**
 * The logger ingest-rtsp takes (a subset of pino's, so the gateway passes a pino child). Every URL in
 * a log line goes through `maskUrl` first; credentials never reach a logger.
 */
export interface RtspLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Discards everything (the default). */
export const silentLogger: RtspLogger = { debug() {}, info() {}, warn() {} };
