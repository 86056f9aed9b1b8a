/**
 * The real-peer test harness: every helper starts its program as a child process on 127.0.0.1 and
 * an ephemeral port, waits for its ready signal, and stops it by PID on `t.teardown`.
 * Importing a helper's own file (e.g. `./nats-server.ts`) avoids loading playwright-core.
 */
export { HarnessError, ProgramNotFoundError, type HarnessErrorCode } from './errors.ts';
export { freePort, freeUdpPortRange, LOOPBACK, type PortProtocol } from './ports.ts';
export {
  installHint,
  isAlive,
  killOnExit,
  killPid,
  requireProgram,
  spawnReady,
  which,
  type ExitInfo,
  type LineMatcher,
  type ReadyProbe,
  type ReadyProcess,
  type SpawnReadyOptions,
  type Stream,
  type Teardown,
} from './process.ts';
export { startNatsServer, type NatsServer, type NatsServerOptions } from './nats-server.ts';
export { startRtspCamera, type RtspCamera, type RtspCameraOptions, type RtspMount } from './rtsp-camera.ts';
export { startTurnServer, type TurnServer, type TurnServerOptions } from './coturn.ts';
export {
  dockerApiRequest,
  startDockerApi,
  type DockerApi,
  type DockerApiOptions,
  type DockerApiResponse,
} from './docker-api.ts';
export {
  REPO_ROOT,
  splitHostPort,
  startGatewayProcess,
  type GatewayProcess,
  type GatewayProcessOptions,
  type LogEntry,
} from './gateway-process.ts';
export { serveStatic, type StaticRoute, type StaticServer } from './static-server.ts';
export {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  FAKE_MEDIA_FLAGS,
  inboundRtp,
  launchBrowser,
  pageConsole,
  waitForVideoFrames,
  type InboundRtpStats,
  type LaunchOptions,
  type TestBrowser,
  type WaitForVideoOptions,
} from './browser.ts';
