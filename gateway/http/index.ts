export { createHttpApp, type HttpDeps, type StreamSummary } from './app.ts';
export { startHttpServer, HttpListenError, type HttpServer } from './server.ts';
export { mountWhep, mountWhip, type WhepBackend, type SdpEndpointOptions } from './whep.ts';
export { bearerAuth } from './bearer-auth.ts';
export { IceRestartMalformedError, type IceRestartAnswer } from './peer-sessions.ts';
export {
  WhipSessions,
  StreamBusyError,
  type PublishTargets,
  type WhipSessionsOptions,
} from './whip-sessions.ts';
export {
  WhepSessions,
  StreamNotFoundError,
  SessionLimitError,
  type WhepSession,
  type WhepSessionsOptions,
} from './whep-sessions.ts';
export { linkViewer, type SentTrack, type ViewerLink } from './viewer-link.ts';
