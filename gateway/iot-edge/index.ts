/**
 * gateway/iot-edge: the Azure IoT Edge module twin configures streams. See README.md.
 */
export { readEdgeEnv, EDGEHUB_MQTT_PORT, type EdgeModuleEnv } from './edge-env.ts';
export { startModuleTwin, type ModuleTwin, type ModuleTwinOptions, type TwinLogger } from './module-twin.ts';
export { WorkloadClient, type WorkloadClientOptions } from './workload-client.ts';
export { ModuleTwinClient, IOTHUB_MQTT_API_VERSION, type TwinClientOptions } from './twin-client.ts';
export {
  moduleResourceUri,
  stringToSign,
  formatSasToken,
  parseSasToken,
  type SasToken,
} from './sas-token.ts';
export {
  parseTwinTopic,
  twinGetTopic,
  reportedPatchTopic,
  TWIN_RESPONSE_FILTER,
  TWIN_DESIRED_FILTER,
  type TwinTopic,
} from './twin-topics.ts';
export {
  applyDesiredUpdate,
  mergePatch,
  type DesiredState,
  type DesiredOutcome,
} from './desired-document.ts';
export {
  DesiredStreams,
  parseDesiredStreams,
  planStreams,
  redactUrls,
  type DesiredStream,
  type CurrentStream,
  type StreamAction,
  type ReportedStream,
} from './desired-streams.ts';
export {
  IotEdgeError,
  EdgeEnvError,
  AuthSchemeError,
  WorkloadRequestError,
  WorkloadResponseError,
  TwinRequestError,
  TwinClosedError,
  DesiredStreamError,
  ReadOnlyDesiredStreamError,
  StreamRejectedError,
  type IotEdgeErrorCode,
} from './errors.ts';
