import { AuthSchemeError, EdgeEnvError } from './errors.ts';

/**
 * What the IoT Edge runtime (edgeAgent) tells a module through its environment. The module
 * identity is `{deviceId}/{moduleId}` on hub `iothubHostname`; it reaches edgeHub at
 * `gatewayHostname` (MQTT over TLS, 8883) and signs its SAS tokens through the workload API at
 * `workloadUri` (`unix:///var/run/iotedge/workload.sock`), which holds the module's key.
 */
export interface EdgeModuleEnv {
  readonly workloadUri: string;
  readonly apiVersion: string;
  readonly deviceId: string;
  readonly moduleId: string;
  readonly generationId: string;
  readonly iothubHostname: string;
  /** edgeHub's host; unset when the module talks to IoT Hub directly. */
  readonly gatewayHostname: string | undefined;
  /** MQTT port (8883; `EDGEGW_IOTEDGE_MQTT_PORT` overrides it, for tests). */
  readonly mqttPort: number;
}

/** The variables without which there is no module identity. */
const REQUIRED = [
  'IOTEDGE_WORKLOADURI',
  'IOTEDGE_DEVICEID',
  'IOTEDGE_MODULEID',
  'IOTEDGE_MODULEGENERATIONID',
  'IOTEDGE_IOTHUBHOSTNAME',
  'IOTEDGE_APIVERSION',
] as const;

/** Default edgeHub MQTT-over-TLS port. */
export const EDGEHUB_MQTT_PORT = 8883;

/**
 * The module environment, or `undefined` when the gateway does not run as an IoT Edge module
 * (no IOTEDGE_WORKLOADURI and no IOTEDGE_MODULEID).
 *
 * @throws EdgeEnvError when some IOTEDGE_* variables are set but a required one is missing
 * @throws AuthSchemeError when IOTEDGE_AUTHSCHEME is set to anything but `sasToken`
 * @example
 * const edge = readEdgeEnv(process.env); // undefined outside IoT Edge
 */
export function readEdgeEnv(env: NodeJS.ProcessEnv): EdgeModuleEnv | undefined {
  if (!env.IOTEDGE_WORKLOADURI && !env.IOTEDGE_MODULEID) return undefined;
  const missing = REQUIRED.filter((k) => !env[k]);
  if (missing.length > 0) throw new EdgeEnvError(missing);
  const scheme = env.IOTEDGE_AUTHSCHEME ?? 'sasToken';
  if (scheme !== 'sasToken') throw new AuthSchemeError(scheme);
  const port = Number(env.EDGEGW_IOTEDGE_MQTT_PORT ?? EDGEHUB_MQTT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new EdgeEnvError(['a valid EDGEGW_IOTEDGE_MQTT_PORT']);
  const get = (k: (typeof REQUIRED)[number]): string => env[k] as string;
  return {
    workloadUri: get('IOTEDGE_WORKLOADURI'),
    apiVersion: get('IOTEDGE_APIVERSION'),
    deviceId: get('IOTEDGE_DEVICEID'),
    moduleId: get('IOTEDGE_MODULEID'),
    generationId: get('IOTEDGE_MODULEGENERATIONID'),
    iothubHostname: get('IOTEDGE_IOTHUBHOSTNAME'),
    gatewayHostname: env.IOTEDGE_GATEWAYHOSTNAME || undefined,
    mqttPort: port,
  };
}
