import type { Clock, Timer } from '../webrtc/transport/index.ts';
import { Authenticator } from './authenticator.ts';
import type { ByteStream } from './byte-stream.ts';
import { RtspError } from './errors.ts';
import { RtspHeaders } from './headers.ts';
import { InterleavedFramer } from './interleaved-framer.ts';
import { rtspRequest, rtspResponse, type RtspMessage, type RtspResponse } from './message.ts';
import type { MessageLimits } from './message-parser.ts';
import type { RtspCredentials } from './rtsp-url.ts';
import { maskUrl } from './rtsp-url.ts';
import { serializeRequest, serializeResponse } from './serialize.ts';

export const DEFAULT_USER_AGENT = 'edge-gateway';

/** One request/reply pair, as the connection reports it (URLs masked). */
export interface RequestLogEntry {
  method: string;
  url: string;
  cseq: number;
  status: number | undefined;
  ms: number;
}

export interface RtspConnectionOptions {
  clock: Clock;
  credentials?: RtspCredentials;
  userAgent?: string;
  /** Per request (default 10 s): no reply in time fails with `RTSP_TIMEOUT`. */
  requestTimeoutMs?: number;
  limits?: Partial<MessageLimits>;
  /** Interleaved data (RFC 2326 §10.12) arriving on the control stream. */
  onData?: (channel: number, payload: Uint8Array) => void;
  /** Interleaved channels we set up; others are garbage to the framer. */
  acceptChannel?: (channel: number) => boolean;
  /** Called once per finished request (for logs, metrics and tests). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Broken messages the framer dropped (counted and logged by the caller). */
  onParseError?: (err: RtspError) => void;
  /** The cnonce source for Digest (tests). */
  cnonce?: () => string;
}

interface Pending {
  cseq: number;
  resolve: (res: RtspResponse) => void;
  reject: (err: RtspError) => void;
  timer: Timer;
}

/**
 * An RTSP control connection (RFC 2326 §9–10) over a {@link ByteStream}: numbers requests
 * (`CSeq`, matched case-insensitively in replies), always sends `User-Agent`, keeps the `Session`
 * id, answers 401 challenges with Basic/Digest and retries once (or again for a stale nonce),
 * times requests out on the injected clock, and demultiplexes interleaved RTP/RTCP from replies.
 *
 * @example
 * const conn = new RtspConnection(await tcpDialer(host, port), { clock: systemClock, credentials });
 * const res = await conn.request('OPTIONS', url);
 * conn.close();
 */
export class RtspConnection {
  readonly framer: InterleavedFramer;
  private readonly stream: ByteStream;
  private readonly clock: Clock;
  private readonly opts: RtspConnectionOptions;
  private readonly auth: Authenticator;
  private readonly pending = new Map<number, Pending>();
  private cseq = 0;
  private closedWith: RtspError | undefined;
  private readonly closeHandlers: Array<(err: RtspError) => void> = [];
  /** Set once a track is set up over TCP: from then on interleaved frames (and resyncs) are normal. */
  expectInterleaved = false;
  /** Session id (RFC 2326 §12.37) once SETUP returned one; sent on every later request. */
  sessionId: string | undefined;

  constructor(stream: ByteStream, options: RtspConnectionOptions) {
    this.stream = stream;
    this.clock = options.clock;
    this.opts = options;
    this.auth = new Authenticator(options.credentials, options.cnonce ? { cnonce: options.cnonce } : {});
    this.framer = new InterleavedFramer(
      {
        onData: (channel, payload) => this.opts.onData?.(channel, payload),
        onMessage: (msg) => this.onMessage(msg),
        onGarbage: (bytes) => {
          // Before any SETUP nothing but RTSP may arrive: bytes that are neither a message nor a
          // frame mean the peer is no RTSP server (an HTTP server, a wrong port).
          if (!this.expectInterleaved && this.pending.size > 0) {
            this.fail(new RtspError('RTSP_PROTOCOL', `the peer answered ${bytes} bytes that are not RTSP`));
            this.stream.close();
          }
        },
        onError: (err) => {
          this.opts.onParseError?.(err);
          // A reply we could not read is a reply lost: with requests waiting, the connection is
          // beyond use (its CSeq order is broken), so fail it now rather than at the request timeout.
          if (this.pending.size > 0) {
            this.fail(new RtspError('RTSP_PROTOCOL', `unreadable reply: ${err.message}`, { cause: err }));
            this.stream.close();
          }
        },
      },
      { ...options.limits, acceptChannel: (c) => this.opts.acceptChannel?.(c) ?? true },
    );
    stream.onData((chunk) => this.framer.push(chunk));
    stream.onClose((err) =>
      this.fail(
        err
          ? new RtspError('RTSP_CONNECT', `connection failed: ${err.message}`, { cause: err })
          : new RtspError('RTSP_EOF', 'the camera closed the connection'),
      ),
    );
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** The auth scheme negotiated (`basic`/`digest`), if any. */
  get authScheme(): string | undefined {
    return this.auth.scheme;
  }

  /** Runs once when the connection ends (EOF, error or close()), with why. */
  onClose(handler: (err: RtspError) => void): void {
    if (this.closedWith) handler(this.closedWith);
    else this.closeHandlers.push(handler);
  }

  /**
   * Sends a request and resolves with the final reply (after auth retries). Any status resolves;
   * only transport failures, timeouts and refused credentials reject (with `RtspError`).
   */
  async request(
    method: string,
    url: string,
    headers: Record<string, string | undefined> = {},
    body?: Uint8Array,
    timeoutMs?: number,
  ): Promise<RtspResponse> {
    let authorized = false;
    // Initial try, one retry after the first challenge, one more for a stale nonce.
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await this.send(method, url, headers, body, timeoutMs);
      if (res.status !== 401) return res;
      const verdict = this.auth.challenge(res.headers.getAll('www-authenticate'), authorized);
      if (!verdict.retry) {
        throw new RtspError(
          'RTSP_AUTH_FAILED',
          `${method} ${maskUrl(url)}: 401 Unauthorized: ${verdict.reason}`,
          {
            status: 401,
          },
        );
      }
      authorized = true;
    }
    throw new RtspError('RTSP_AUTH_FAILED', `${method} ${maskUrl(url)}: still 401 after retries`, {
      status: 401,
    });
  }

  private send(
    method: string,
    url: string,
    extra: Record<string, string | undefined>,
    body: Uint8Array | undefined,
    timeoutOverrideMs: number | undefined,
  ): Promise<RtspResponse> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const cseq = ++this.cseq;
    const headers = new RtspHeaders({
      CSeq: String(cseq),
      // Always identify ourselves: some cameras refuse requests without a User-Agent.
      'User-Agent': this.opts.userAgent ?? DEFAULT_USER_AGENT,
      Session: this.sessionId,
      Authorization: this.auth.authorization(method, url),
      ...extra,
    });
    let bytes: Uint8Array;
    try {
      bytes = serializeRequest(rtspRequest(method, url, headers, body));
    } catch (err) {
      return Promise.reject(err instanceof RtspError ? err : new RtspError('RTSP_ENCODE', String(err)));
    }
    const started = this.clock.now();
    const timeoutMs = timeoutOverrideMs ?? this.opts.requestTimeoutMs ?? 10_000;
    return new Promise<RtspResponse>((resolve, reject) => {
      const timer = this.clock.setTimer(timeoutMs, () => {
        this.pending.delete(cseq);
        this.report(method, url, cseq, undefined, started);
        reject(new RtspError('RTSP_TIMEOUT', `${method} ${maskUrl(url)}: no reply in ${timeoutMs} ms`));
      });
      this.pending.set(cseq, {
        cseq,
        timer,
        resolve: (res) => {
          this.report(method, url, cseq, res.status, started);
          resolve(res);
        },
        reject,
      });
      this.stream.write(bytes);
    });
  }

  private report(
    method: string,
    url: string,
    cseq: number,
    status: number | undefined,
    started: number,
  ): void {
    this.opts.onRequest?.({ method, url: maskUrl(url), cseq, status, ms: this.clock.now() - started });
  }

  private onMessage(msg: RtspMessage): void {
    if (msg.kind === 'request') {
      // RFC 2326 §10: a server may send OPTIONS/GET_PARAMETER (keepalive probes) or ANNOUNCE etc.
      // We answer the harmless ones with 200 and the rest with 501 Not Implemented.
      const ok = msg.method === 'OPTIONS' || msg.method === 'GET_PARAMETER';
      const reply = rtspResponse(ok ? 200 : 501, ok ? 'OK' : 'Not Implemented', {
        CSeq: msg.headers.get('cseq'),
        'User-Agent': this.opts.userAgent ?? DEFAULT_USER_AGENT,
      });
      if (!this.closedWith) this.stream.write(serializeResponse(reply));
      return;
    }
    const raw = msg.headers.get('cseq');
    let p = raw !== undefined ? this.pending.get(Number(raw.trim())) : undefined;
    // Tolerance: some cameras omit CSeq (or mangle it); give the reply to the oldest request.
    if (!p && (raw === undefined || !/^\s*\d+\s*$/.test(raw))) p = this.pending.values().next().value;
    if (!p) return; // a late reply to a timed-out request
    this.pending.delete(p.cseq);
    p.timer.cancel();
    p.resolve(msg);
  }

  /** Sends raw bytes on the control stream (RTCP receiver reports over TCP, §10.12). */
  writeInterleaved(channel: number, payload: Uint8Array): void {
    if (this.closedWith || payload.length > 0xffff) return;
    const frame = new Uint8Array(4 + payload.length);
    frame[0] = 0x24;
    frame[1] = channel;
    frame[2] = payload.length >> 8;
    frame[3] = payload.length & 0xff;
    frame.set(payload, 4);
    this.stream.write(frame);
  }

  /** Closes the stream; pending requests reject with `RTSP_CLOSED`. Idempotent. */
  close(): void {
    this.fail(new RtspError('RTSP_CLOSED', 'connection closed'));
    this.stream.close();
  }

  private fail(err: RtspError): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const p of this.pending.values()) {
      p.timer.cancel();
      p.reject(err);
    }
    this.pending.clear();
    for (const h of this.closeHandlers.splice(0)) h(err);
  }
}
