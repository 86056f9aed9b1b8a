/**
 * gateway/control: the gRPC control plane (package edgegw.v1), with
 * grpc.health.v1 and server reflection. See README.md.
 */
export { startControlServer } from './control-server.ts';
export type { ControlServer, ControlServerOptions } from './control-server.ts';
export { processNodeInfo, secondsToDuration, durationToSeconds } from './node-info.ts';
export type {
  NodeInfo,
  NodeInfoProvider,
  NodeAddresses,
  StaticNodeInfo,
  GetInfoResponseWire,
  ListenProtocolName,
} from './node-info.ts';
export { allowAll, authInterceptor } from './auth.ts';
export type { AuthDecision, CallAuthorizer, CallInfo } from './auth.ts';
export { bearerTokenAuthorizer, isOpenMethod, OPEN_METHOD_PREFIXES } from './bearer-token.ts';
export { isLoopbackHost, resolveControlSecurity } from './control-security.ts';
export type { ControlAuthOptions, ControlSecurity, ControlTls } from './control-security.ts';
export type { ControlLogger } from './logger.ts';
export {
  CONTROL_PACKAGE,
  HEALTH_SERVICE,
  PROTO_LOADER_OPTIONS,
  loadControlProtos,
  resolveProtoDir,
} from './proto-package.ts';
export type { ControlProtos } from './proto-package.ts';
export { NODE_SERVICE } from './node-service.ts';
export { ControlError, InvalidAddrError, ProtoLoadError, BindError, InsecureListenError } from './errors.ts';
export type { ControlErrorCode } from './errors.ts';
