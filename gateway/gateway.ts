import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { formatListenAddr, advertisedIps, readGrpcAuth, type Config } from './config/index.ts';
import {
  createLogger,
  registerProcessMetrics,
  registerRtspMetrics,
  rpcTelemetry,
  startTelemetry,
  type Logger,
} from './telemetry/index.ts';
import { createHttpApp, startHttpServer, WhepSessions, WhipSessions } from './http/index.ts';
import { startControlServer, processNodeInfo } from './control/index.ts';
import { startBus } from './bus/index.ts';
import { addr, createUdpNet, systemClock, UdpMux } from './webrtc/transport/index.ts';
import { routeKey } from './webrtc/ice/index.ts';
import { generateCertificate } from './webrtc/dtls/index.ts';
import { StreamTable } from './stream-table.ts';
import { openFleetControl, type FleetControl } from './fleet-control.ts';
import { rtspSourceProber } from './rtsp-prober.ts';
import { readEdgeEnv, startModuleTwin, type EdgeModuleEnv } from './iot-edge/index.ts';
import { VERSION } from './version.ts';

/** A running gateway: its bound addresses and how to stop it. */
export interface Gateway {
  readonly nodeId: string;
  readonly version: string;
  /** Bound addresses (`host:port`, the real port when 0 was configured). */
  readonly addresses: { readonly http: string; readonly grpc: string; readonly webrtc: string };
  /** ICE host candidate addresses advertised to viewers. */
  readonly advertisedIps: readonly string[];
  readonly logger: Logger;
  /** The WHEP viewer sessions (for the control plane and tests). */
  readonly whep: WhepSessions;
  /** Stops accepting, flips health to NOT_SERVING, then closes every part. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

function defaultNodeId(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 64) || 'edge-gateway'
  );
}

/**
 * Wires the parts of the gateway together from a validated config: telemetry, the plugin bus,
 * the WebRTC UDP port, the gRPC control plane and HTTP. Wiring only: every part lives in its module.
 *
 * @example
 * const gw = await startGateway(loadConfig().config);
 * await gw.close();
 */
export async function startGateway(config: Config, opts: StartOptions = {}): Promise<Gateway> {
  const nodeId = config.nodeId ?? defaultNodeId();
  const logger = opts.logger ?? createLogger(config.log.level);
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.error({ err }, 'error while closing');
      }
    }
  };
  let ready = false;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const telemetry = startTelemetry({ serviceVersion: VERSION, nodeId, env: opts.env ?? process.env });
    closers.push(() => telemetry.shutdown());
    registerProcessMetrics(telemetry.meter, { version: VERSION, nodeId, arch: process.arch });

    const bus = await startBus({ url: config.nats.url, nodeId, logger });
    closers.push(() => bus.close());

    const udp = await createUdpNet({ lanes: config.webrtc.lanes, recvBufferSize: 4 << 20 }).listenUdp(
      config.webrtc.addr.host,
      config.webrtc.addr.port,
    );
    closers.push(() => udp.close());
    const webrtcAddr = formatListenAddr({ host: udp.localAddr.address, port: udp.localAddr.port });
    // One UDP port for every session: the mux routes by ICE ufrag, then by remote address.
    const mux = new UdpMux(udp, { routeKey });
    closers.push(() => mux.close());
    const ips = advertisedIps(config);
    const certificate = await generateCertificate(systemClock, {
      commonName: `edge-gateway ${nodeId}`,
      validDays: 365,
    });
    // The control plane's registries see the streams and viewers as they change (events, gRPC).
    const events: { fleet?: FleetControl } = {};
    const streams = new StreamTable({
      clock: systemClock,
      logger,
      onStatus: (name, st) => events.fleet?.onStreamStatus(name, st),
    });
    closers.push(() => streams.closeAll());
    registerRtspMetrics(telemetry.meter, () => streams.rtspCounters());
    if (config.demo.enabled) await streams.addDemo('demo');
    for (const [name, cam] of Object.entries(config.streams)) {
      streams.addRtsp(name, cam.url, cam.transport, 'config', { onDemand: cam.onDemand });
    }
    const peers = {
      clock: systemClock,
      mux,
      certificate,
      hostCandidates: ips.map((ip) => addr(ip, udp.localAddr.port)),
      logger,
    };
    const whep = new WhepSessions({
      ...peers,
      stream: (name) => streams.hub(name),
      // What a WHIP publisher negotiated; other sources' profiles are not exposed yet (pickH264 falls back).
      // A publisher's negotiated profile, else what the hub read from the stream's SPS.
      streamProfileLevelId: (name) =>
        whip.profileLevelId(name) ?? streams.hub(name)?.info.video?.profileLevelId,
      onViewer: (event, session) => events.fleet?.onViewer(event, session),
    });
    const fleet = await openFleetControl({ config, table: streams, whep: () => whep, logger });
    events.fleet = fleet;
    closers.push(() => whep.closeAll());
    // WHIP publishers get a hub on demand; it stays after they leave, so viewers keep their sessions.
    const whip = new WhipSessions({
      ...peers,
      targets: {
        claim: (name) => streams.claimForPublish(name),
        release: (name) => streams.releasePublish(name),
      },
    });
    closers.push(() => whip.closeAll());
    // As an Azure IoT Edge module (IOTEDGE_* set by edgeAgent), the module twin's desired `streams`
    // add, update and remove runtime streams through the same registry as gRPC.
    let edge: EdgeModuleEnv | undefined;
    try {
      edge = readEdgeEnv(opts.env ?? process.env);
    } catch (err) {
      logger.error({ err }, 'IoT Edge module twin off: incomplete IOTEDGE_* environment');
    }
    if (edge) {
      const twin = startModuleTwin({
        env: edge,
        registry: fleet.streams,
        onDemand: fleet.runtimeOnDemand,
        logger,
      });
      closers.push(() => twin.close());
    }

    const addresses = { http: '', grpc: '', webrtc: webrtcAddr };
    const control = await startControlServer({
      addr: formatListenAddr(config.grpc.addr),
      auth: readGrpcAuth(config.grpc),
      node: processNodeInfo(() => ({
        version: VERSION,
        nodeId,
        addresses,
        capabilities: ['whep', 'whip', 'rtsp_ingest', 'h264'],
      })),
      logger,
      streams: fleet.streams,
      prober: rtspSourceProber(),
      sessions: fleet.sessions,
      events: fleet.events,
      stats: fleet.stats,
      // Every RPC as a rpc.server.call.duration point and a SERVER span (OTel RPC conventions).
      observeCalls: rpcTelemetry({ meter: telemetry.meter }),
    });
    addresses.grpc = control.address;
    closers.push(() => control.close());

    const app = createHttpApp({
      live: () => true,
      ready: () => ({ ready, reasons: ready ? [] : ['shutting down or starting'] }),
      metrics: () => telemetry.prometheusText(),
      version: VERSION,
      nodeId,
      whep,
      whip,
      whepToken: config.http.whepToken,
      whipToken: config.http.whipToken,
      streams: () => streams.summaries(),
    });
    const http = await startHttpServer(app, config.http.addr.host, config.http.addr.port);
    addresses.http = http.address;
    closers.push(() => http.close());
    // Readiness and gRPC health go down first on shutdown, so load balancers and fleet managers stop
    // sending before anything stops serving.
    closers.push(() => {
      ready = false;
      control.setServing(false);
    });

    ready = true;
    logger.info(
      {
        version: VERSION,
        nodeId,
        http: addresses.http,
        grpc: addresses.grpc,
        webrtc: addresses.webrtc,
        advertisedIps: ips,
        bus: bus.mode,
      },
      'gateway ready',
    );
    bus.publishEvent('gateway.started', { version: VERSION });
    let closing: Promise<void> | undefined;
    return {
      nodeId,
      version: VERSION,
      addresses,
      advertisedIps: ips,
      logger,
      whep,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
