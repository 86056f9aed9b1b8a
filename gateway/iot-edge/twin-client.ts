import { connect, type MqttClient } from 'mqtt';
import type { SasToken } from './sas-token.ts';
import { TwinClosedError, TwinRequestError } from './errors.ts';
import {
  parseTwinTopic,
  reportedPatchTopic,
  TWIN_DESIRED_FILTER,
  TWIN_RESPONSE_FILTER,
  twinGetTopic,
} from './twin-topics.ts';

/** IoT Hub's MQTT API version, sent in the username. */
export const IOTHUB_MQTT_API_VERSION = '2018-06-30';

/** Options of {@link ModuleTwinClient}. */
export interface TwinClientOptions {
  /** edgeHub's host (IOTEDGE_GATEWAYHOSTNAME) and MQTT-over-TLS port. */
  readonly host: string;
  readonly port: number;
  /** CA bundle (PEM) edgeHub's certificate chains to: the workload API's trust bundle. */
  readonly ca: string;
  readonly hubHostname: string;
  readonly deviceId: string;
  readonly moduleId: string;
  /** A fresh SAS token; asked for at connect and again before the previous one expires. */
  readonly token: () => Promise<SasToken>;
  /** Renew this many seconds before expiry (default: a fifth of the token's life, at least 5 s). */
  readonly renewMarginSeconds?: number;
  /** The whole twin (after each (re)connect) and each desired patch, with its topic's `$version`. */
  readonly onTwin: (twin: { desired: unknown; reported: unknown }) => void;
  readonly onDesiredPatch: (patch: unknown) => void;
  /** Connection problems (logged by the caller; the client keeps retrying). */
  readonly onError?: (err: Error) => void;
  readonly onConnect?: () => void;
  /** Per twin request (default 15 s). */
  readonly requestTimeoutMs?: number;
  /** Between reconnect attempts (default 5 s). */
  readonly reconnectMs?: number;
}

interface Pending {
  resolve(r: { status: number; version?: number; body: unknown }): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A module's twin over edgeHub's MQTT interface: connects as `{deviceId}/{moduleId}` with a SAS
 * token as password (renewed before it expires by reconnecting with a new one), subscribes to twin
 * answers and desired patches, gets the whole twin after every (re)connect, and patches reported
 * properties.
 *
 * @example
 * const twin = await ModuleTwinClient.start({ host, port: 8883, ca, hubHostname, deviceId, moduleId,
 *   token: () => tokens.next(), onTwin: (t) => …, onDesiredPatch: (p) => … });
 * await twin.patchReported({ streams: { cam: { status: 'applied' } } });
 * await twin.close();
 */
export class ModuleTwinClient {
  readonly #opts: TwinClientOptions;
  readonly #client: MqttClient;
  readonly #pending = new Map<number, Pending>();
  #rid = 0;
  #renewTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(opts: TwinClientOptions, client: MqttClient, token: SasToken) {
    this.#opts = opts;
    this.#client = client;
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    client.on('connect', () => {
      opts.onConnect?.();
      void this.#afterConnect();
    });
    client.on('error', (err) => opts.onError?.(err));
    this.#scheduleRenew(token);
  }

  /** Connects (retrying in the background if edgeHub is not up yet). */
  static async start(opts: TwinClientOptions): Promise<ModuleTwinClient> {
    const token = await opts.token();
    const client = connect({
      protocol: 'mqtts',
      host: opts.host,
      port: opts.port,
      ca: opts.ca,
      servername: opts.host,
      protocolVersion: 4,
      clientId: `${opts.deviceId}/${opts.moduleId}`,
      username: `${opts.hubHostname}/${opts.deviceId}/${opts.moduleId}/?api-version=${IOTHUB_MQTT_API_VERSION}`,
      password: token.token,
      clean: true,
      keepalive: 180,
      reconnectPeriod: opts.reconnectMs ?? 5000,
      connectTimeout: 30_000,
    });
    return new ModuleTwinClient(opts, client, token);
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  async #afterConnect(): Promise<void> {
    try {
      await this.#client.subscribeAsync([TWIN_RESPONSE_FILTER, TWIN_DESIRED_FILTER], { qos: 0 });
      await this.refresh();
    } catch (err) {
      if (this.#closed) return;
      this.#opts.onError?.(err as Error);
      // edgeHub may answer 429 or not yet at all: try again while this connection lasts (a new
      // connection subscribes and reads the twin anyway).
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        if (!this.#closed && this.#client.connected) void this.#afterConnect();
      }, this.#opts.reconnectMs ?? 5000);
      this.#retryTimer.unref();
    }
  }

  /** Gets the whole twin and hands it to `onTwin` (done after every connect; call it after a missed patch). */
  async refresh(): Promise<void> {
    const res = await this.#request(twinGetTopic, '');
    const body = res.body as { desired?: unknown; reported?: unknown } | null;
    this.#opts.onTwin({ desired: body?.desired, reported: body?.reported });
  }

  /**
   * Updates reported properties (merged by the hub like a JSON merge patch).
   * @returns the reported properties' new `$version`, when edgeHub says it
   */
  async patchReported(patch: unknown): Promise<number | undefined> {
    const res = await this.#request(reportedPatchTopic, JSON.stringify(patch));
    return res.version;
  }

  #request(
    topicOf: (rid: number) => string,
    payload: string,
  ): Promise<{ status: number; version?: number; body: unknown }> {
    if (this.#closed) return Promise.reject(new TwinClosedError());
    const rid = ++this.#rid;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(rid);
        reject(new TwinRequestError(rid, undefined, 'no answer in time'));
      }, this.#opts.requestTimeoutMs ?? 15_000);
      timer.unref();
      this.#pending.set(rid, {
        timer,
        resolve: (r) =>
          r.status >= 200 && r.status < 300
            ? resolve(r)
            : reject(new TwinRequestError(rid, r.status, `status ${r.status}`)),
        reject,
      });
      this.#client.publish(topicOf(rid), payload, { qos: 0 }, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.#pending.delete(rid);
        reject(err);
      });
    });
  }

  #onMessage(topic: string, payload: Buffer): void {
    const t = parseTwinTopic(topic);
    if (t.kind === 'other') return;
    let body: unknown;
    try {
      body = payload.length === 0 ? undefined : (JSON.parse(payload.toString('utf8')) as unknown);
    } catch {
      body = undefined;
    }
    if (t.kind === 'desired') {
      // The topic's $version is authoritative when the body lacks one.
      const patch =
        body !== null &&
        typeof body === 'object' &&
        !Array.isArray(body) &&
        !('$version' in body) &&
        t.version !== undefined
          ? { ...body, $version: t.version }
          : body;
      this.#opts.onDesiredPatch(patch);
      return;
    }
    const p = this.#pending.get(t.rid);
    if (p === undefined) return;
    this.#pending.delete(t.rid);
    clearTimeout(p.timer);
    p.resolve({ status: t.status, ...(t.version === undefined ? {} : { version: t.version }), body });
  }

  /** A new token shortly before this one expires, then a reconnect that presents it. */
  #scheduleRenew(token: SasToken): void {
    const life = token.expiry - Date.now() / 1000;
    const margin = this.#opts.renewMarginSeconds ?? Math.max(5, life / 5);
    const inMs = Math.max(1000, (life - margin) * 1000);
    this.#renewTimer = setTimeout(() => void this.#renew(), inMs);
    this.#renewTimer.unref();
  }

  async #renew(): Promise<void> {
    if (this.#closed) return;
    let token: SasToken;
    try {
      token = await this.#opts.token();
    } catch (err) {
      this.#opts.onError?.(err as Error);
      this.#renewTimer = setTimeout(() => void this.#renew(), 10_000);
      this.#renewTimer.unref();
      return;
    }
    if (this.#closed) return;
    this.#client.options.password = token.token;
    this.#scheduleRenew(token);
    // IoT Hub and edgeHub read the token at CONNECT: present the new one on a new connection.
    this.#client.end(false, {}, () => {
      if (!this.#closed) this.#client.reconnect();
    });
  }

  /** Disconnects and fails pending requests. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#retryTimer);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new TwinClosedError());
    }
    this.#pending.clear();
    await this.#client.endAsync(true);
  }
}
