import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { BusConnectError } from './errors.ts';
import { startNatsChild, type NatsChild } from './nats-child.ts';
import { subjects } from './subjects.ts';
import { which } from './which.ts';

export interface BusOptions {
  /** `EDGEGW_NATS_URL`; when unset a local nats-server child is started if one is on PATH. */
  readonly url: string | undefined;
  readonly nodeId: string;
  readonly logger: Logger;
  /** Where to look for nats-server (default PATH). */
  readonly path?: string;
}

/** The plugin bus: a NATS connection (or off), and the child server it started, if any. */
export interface Bus {
  /** `'external'`: the configured URL; `'child'`: our own nats-server; `'off'`: no bus. */
  readonly mode: 'external' | 'child' | 'off';
  readonly url: string | undefined;
  readonly nc: NatsConnection | undefined;
  /** Publishes a JSON event on `edgegw.<node>.events` (no-op when the bus is off). */
  publishEvent(type: string, data?: Record<string, unknown>): void;
  close(): Promise<void>;
}

/**
 * Connects the plugin bus: to `url` when configured; else to a nats-server it starts as a child
 * process on 127.0.0.1; else the bus is off and the log says so, once.
 *
 * @example
 * const bus = await startBus({ url: undefined, nodeId: 'edge-1', logger });
 * bus.publishEvent('gateway.started');
 */
export async function startBus(opts: BusOptions): Promise<Bus> {
  const { logger, nodeId } = opts;
  let child: NatsChild | undefined;
  let url = opts.url;
  let mode: Bus['mode'] = 'external';
  if (!url) {
    const bin = which('nats-server', opts.path);
    if (!bin) {
      logger.warn(
        'bus off: EDGEGW_NATS_URL is not set and nats-server is not on PATH (install nats-server or set EDGEGW_NATS_URL)',
      );
      return offBus;
    }
    child = await startNatsChild(bin);
    url = child.url;
    mode = 'child';
    logger.info({ url, natsPid: child.pid }, 'started local nats-server');
  }
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, name: `edge-gateway ${nodeId}`, maxReconnectAttempts: -1 });
  } catch (err) {
    await child?.stop();
    throw new BusConnectError(url, { cause: err });
  }
  const sub = nc.subscribe(subjects.info(nodeId), {
    callback: (_err, msg) => {
      msg.respond(JSON.stringify({ nodeId }));
    },
  });
  logger.info({ url, mode }, 'bus connected');
  return {
    mode,
    url,
    nc,
    publishEvent(type, data = {}) {
      nc.publish(
        subjects.events(nodeId),
        JSON.stringify({ type, node: nodeId, time: new Date().toISOString(), ...data }),
      );
    },
    async close() {
      sub.unsubscribe();
      await nc.drain().catch(() => nc.close());
      await child?.stop();
    },
  };
}

const offBus: Bus = {
  mode: 'off',
  url: undefined,
  nc: undefined,
  publishEvent() {},
  async close() {},
};
