/**
 * Stand-ins for the IoT Edge runtime in tests: the workload API (HTTP on a unix socket, signing
 * with a test key the test knows), edgeHub's twin side (a client of a real mosquitto that answers
 * twin GETs and reported PATCHes the way edgeHub does and publishes desired patches), and a TLS
 * listener that reads a client's MQTT CONNECT (to check the SAS password, which mosquitto cannot).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { connect, type MqttClient } from 'mqtt';
import { mergePatch } from '../gateway/iot-edge/index.ts';
import type { Teardown } from './harness/process.ts';

/** The module key the workload stub signs with (base64, like IoT Hub's keys). */
export const TEST_MODULE_KEY = Buffer.from('edge-gateway-test-module-key-32b').toString('base64');

export function hmacOf(data: string, key = TEST_MODULE_KEY): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(data, 'utf8').digest('base64');
}

export interface SignRecord {
  readonly moduleId: string;
  readonly generationId: string;
  readonly apiVersion: string;
  /** The decoded string it was asked to sign. */
  readonly data: string;
  readonly digest: string;
}

export interface WorkloadStub {
  /** `unix:///…/workload.sock` */
  readonly uri: string;
  readonly signs: SignRecord[];
  trustBundleRequests: number;
  close(): Promise<void>;
}

/**
 * The workload API on a unix socket: `POST /modules/{m}/genid/{g}/sign?api-version=` (keyId
 * primary, algo HMACSHA256, base64 data; 400 otherwise) and `GET /trust-bundle`.
 */
export async function startWorkloadStub(t: Teardown, caPem: string): Promise<WorkloadStub> {
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-workload-'));
  const socketPath = join(dir, 'workload.sock');
  const signs: SignRecord[] = [];
  const stub = { uri: `unix://${socketPath}`, signs, trustBundleRequests: 0 } as WorkloadStub;
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://workload');
    const apiVersion = url.searchParams.get('api-version') ?? '';
    if (!apiVersion) return json(res, 400, { message: 'api-version missing' });
    if (req.method === 'GET' && url.pathname === '/trust-bundle') {
      stub.trustBundleRequests++;
      return json(res, 200, { certificate: caPem });
    }
    const m = /^\/modules\/([^/]+)\/genid\/([^/]+)\/sign$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return json(res, 404, { message: 'not found' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { keyId?: unknown; algo?: unknown; data?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return json(res, 400, { message: 'not JSON' });
      }
      if (body.keyId !== 'primary' || body.algo !== 'HMACSHA256' || typeof body.data !== 'string')
        return json(res, 400, { message: 'bad sign request' });
      const data = Buffer.from(body.data, 'base64').toString('utf8');
      const digest = hmacOf(data);
      signs.push({
        moduleId: decodeURIComponent(m[1] as string),
        generationId: decodeURIComponent(m[2] as string),
        apiVersion,
        data,
        digest,
      });
      json(res, 200, { digest });
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  stub.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  t.teardown(() => stub.close());
  return stub;
}

type Json = Record<string, unknown>;

/**
 * Polls `fn` every 50 ms until it returns something other than undefined/false, and resolves with
 * it; rejects naming `what` after `ms`.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * edgeHub's twin side over a real broker: holds the module's desired and reported properties
 * (with `$version`), answers `$iothub/twin/GET` with 200 and the twin, merges reported PATCHes
 * (answering 204 with the new `$version`), and publishes desired patches.
 */
export class FakeEdgeHub {
  desired: Json = { $version: 1 };
  reported: Json = { $version: 1 };
  readonly gets: number[] = [];
  /** Answer this many GETs with 429 (throttled) before serving the twin. */
  throttleGets = 0;
  readonly reportedPatches: Json[] = [];
  readonly #client: MqttClient;
  #waiters: (() => void)[] = [];

  private constructor(client: MqttClient) {
    this.#client = client;
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
  }

  static async start(t: Teardown, brokerUrl: string): Promise<FakeEdgeHub> {
    const client = connect(brokerUrl, { clientId: 'fake-edgehub', reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(['$iothub/twin/GET/#', '$iothub/twin/PATCH/properties/reported/#']);
    const hub = new FakeEdgeHub(client);
    t.teardown(() => client.endAsync(true));
    return hub;
  }

  #onMessage(topic: string, payload: Buffer): void {
    const rid = /\$rid=(\d+)/.exec(topic)?.[1];
    if (rid === undefined) return;
    if (topic.startsWith('$iothub/twin/GET/')) {
      this.gets.push(Number(rid));
      if (this.throttleGets > 0) {
        this.throttleGets--;
        void this.#client.publishAsync(`$iothub/twin/res/429/?$rid=${rid}`, '');
        return;
      }
      void this.#client.publishAsync(
        `$iothub/twin/res/200/?$rid=${rid}`,
        JSON.stringify({ desired: this.desired, reported: this.reported }),
      );
    } else {
      const patch = JSON.parse(payload.toString('utf8')) as Json;
      this.reportedPatches.push(patch);
      const version = (this.reported.$version as number) + 1;
      this.reported = { ...(mergePatch(this.reported, patch) as Json), $version: version };
      void this.#client.publishAsync(`$iothub/twin/res/204/?$rid=${rid}&$version=${version}`, '');
    }
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Sets the whole desired document (as a deployment would), bumping `$version`; not published. */
  setDesired(doc: Json): number {
    const version = (this.desired.$version as number) + 1;
    this.desired = { ...doc, $version: version };
    return version;
  }

  /** Merges `patch` into desired with the next `$version` and publishes it. */
  async patchDesired(patch: Json): Promise<number> {
    const version = (this.desired.$version as number) + 1;
    this.desired = { ...(mergePatch(this.desired, patch) as Json), $version: version };
    await this.publishDesired({ ...patch, $version: version }, version);
    return version;
  }

  /** Publishes a desired patch as is (e.g. one with an old `$version`). */
  async publishDesired(body: Json, version: number): Promise<void> {
    await this.#client.publishAsync(
      `$iothub/twin/PATCH/properties/desired/?$version=${version}`,
      JSON.stringify(body),
    );
  }

  /** Publishes any payload on any topic (hostile-input tests). */
  async publishRaw(topic: string, payload: string): Promise<void> {
    await this.#client.publishAsync(topic, payload);
  }

  /** Resolves once `pred()` holds, re-checked after each message (rejects after `ms`). */
  async until(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** An MQTT 3.1.1 CONNECT's identity fields (MQTT 3.1.1 §3.1). */
export interface ConnectPacket {
  readonly protocolLevel: number;
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

/** Parses a whole CONNECT at the start of `buf`; undefined while incomplete. */
export function parseConnect(buf: Buffer): ConnectPacket | undefined {
  if (buf.length < 2) return undefined;
  if (buf[0] !== 0x10) throw new Error(`not a CONNECT: first byte ${buf[0]}`);
  let len = 0;
  let mult = 1;
  let off = 1;
  for (;;) {
    const b = buf[off++];
    if (b === undefined) return undefined;
    len += (b & 0x7f) * mult;
    mult *= 128;
    if ((b & 0x80) === 0) break;
  }
  if (buf.length < off + len) return undefined;
  const bin = (): Buffer => {
    const n = buf.readUInt16BE(off);
    const out = buf.subarray(off + 2, off + 2 + n);
    off += 2 + n;
    return out;
  };
  bin(); // protocol name "MQTT"
  const protocolLevel = buf[off++] as number;
  const flags = buf[off++] as number;
  off += 2; // keep alive
  const clientId = bin().toString('utf8');
  if (flags & 0x04) {
    bin();
    bin();
  }
  const username = flags & 0x80 ? bin().toString('utf8') : undefined;
  const password = flags & 0x40 ? bin().toString('utf8') : undefined;
  return { protocolLevel, clientId, username, password };
}

/** A TLS listener that records each client's CONNECT and hangs up (the client retries). */
export async function startConnectRecorder(
  t: Teardown,
  tls: { cert: string; key: string },
): Promise<{ port: number; connects: ConnectPacket[] }> {
  const connects: ConnectPacket[] = [];
  const server = createTlsServer({ cert: tls.cert, key: tls.key }, (socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const p = parseConnect(buf);
      if (p === undefined) return;
      connects.push(p);
      socket.destroy();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, connects };
}
