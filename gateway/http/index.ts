export { createHttpApp, type HttpDeps, type StreamSummary } from './app.ts';
export { startHttpServer, HttpListenError, type HttpServer } from './server.ts';
export { mountWhep, type WhepBackend } from './whep.ts';
export {
  WhepSessions,
  StreamNotFoundError,
  SessionLimitError,
  type WhepSessionsOptions,
} from './whep-sessions.ts';
