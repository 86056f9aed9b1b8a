import type { ByteStream, Dialer } from './byte-stream.ts';
import { createStreamPair } from './byte-stream.ts';
import { RtspHeaders } from './headers.ts';
import { rtspResponse, type RtspRequest, type RtspResponse } from './message.ts';
import { RtspMessageReader } from './message-reader.ts';
import { serializeResponse } from './serialize.ts';

/** A scripted reply: a response, raw bytes (hostile tests), or `undefined` to stay silent. */
export type FakeReply = RtspResponse | Uint8Array | undefined;

export interface FakeCameraOptions {
  /** Overrides per request; return `'default'` to fall through to the built-in camera behaviour. */
  handler?: (req: RtspRequest, cam: FakeCamera) => FakeReply | 'default';
  sdp?: string;
  /** `Session` header value of SETUP replies (default `fake1234;timeout=60`). */
  session?: string;
  /** `Public` header of OPTIONS replies. */
  public?: string;
}

/** An SDP with an H.264 and a PCMU track (controls `track1`, `track2`). */
export const FAKE_SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=fake',
  't=0 0',
  'a=control:*',
  'm=video 0 RTP/AVP 96',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAFtoCgL/lwFqDAwNSgAAAAwCAAAAPR4sXUA==,aM48gA==',
  'a=control:track1',
  'm=audio 0 RTP/AVP 0',
  'a=control:track2',
  '',
].join('\r\n');

/**
 * An in-memory RTSP camera for deterministic tests (with `ManualClock`): it answers OPTIONS,
 * DESCRIBE, SETUP (TCP interleaved), PLAY, GET_PARAMETER and TEARDOWN like a plain camera, records
 * every request, can push interleaved RTP, refuse connections or drop them. Not a real server:
 * use test/harness's GStreamer camera for interop.
 *
 * @example
 * const cam = new FakeCamera();
 * const source = new RtspSource({ url: 'rtsp://cam/live', dialer: cam.dialer, clock });
 */
export class FakeCamera {
  readonly requests: RtspRequest[] = [];
  /** Responses the client sent (to requests the camera made with `sendRaw`). */
  readonly responses: RtspResponse[] = [];
  readonly streams: ByteStream[] = [];
  /** Interleaved frames the client sent (RTCP receiver reports over TCP, RFC 2326 §10.12). */
  readonly interleaved: Array<{ channel: number; payload: Uint8Array }> = [];
  /** While true the dialer rejects like a closed port. */
  refuse = false;
  private readonly opts: FakeCameraOptions;

  constructor(options: FakeCameraOptions = {}) {
    this.opts = options;
  }

  /** Methods received, in order. */
  get methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  readonly dialer: Dialer = async () => {
    if (this.refuse) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const [client, server] = createStreamPair();
    this.streams.push(server);
    const reader = new RtspMessageReader();
    server.onData((chunk) => {
      // The client writes each interleaved frame whole (RtspConnection.writeInterleaved); requests
      // never start with '$'. A test camera may rely on that instead of a server-side framer.
      if (chunk[0] === 0x24) {
        for (let at = 0; at + 4 <= chunk.length;) {
          const len = ((chunk[at + 2] as number) << 8) | (chunk[at + 3] as number);
          this.interleaved.push({
            channel: chunk[at + 1] as number,
            payload: chunk.slice(at + 4, at + 4 + len),
          });
          at += 4 + len;
        }
        return;
      }
      for (const msg of reader.push(chunk)) {
        if (msg.kind !== 'request') {
          this.responses.push(msg);
          continue;
        }
        this.requests.push(msg);
        const custom = this.opts.handler?.(msg, this);
        const reply =
          custom === 'default' || (custom === undefined && !this.opts.handler) ? this.answer(msg) : custom;
        if (reply instanceof Uint8Array) server.write(reply);
        else if (reply) server.write(serializeResponse(reply));
      }
    });
    return client;
  };

  /** The built-in behaviour of a plain camera. */
  answer(req: RtspRequest): RtspResponse {
    const h = new RtspHeaders({ CSeq: req.headers.get('cseq') });
    switch (req.method) {
      case 'OPTIONS':
        h.set('Public', this.opts.public ?? 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER');
        return rtspResponse(200, 'OK', h);
      case 'DESCRIBE':
        h.set('Content-Type', 'application/sdp');
        h.set('Content-Base', `${req.uri.replace(/\/$/, '')}/`);
        return rtspResponse(200, 'OK', h, new TextEncoder().encode(this.opts.sdp ?? FAKE_SDP));
      case 'SETUP': {
        const t = req.headers.get('transport') ?? '';
        h.set('Transport', t);
        h.set('Session', this.opts.session ?? 'fake1234;timeout=60');
        return rtspResponse(200, 'OK', h);
      }
      case 'PLAY':
      case 'GET_PARAMETER':
      case 'TEARDOWN':
        h.set('Session', (this.opts.session ?? 'fake1234').split(';')[0] as string);
        return rtspResponse(200, 'OK', h);
      default:
        return rtspResponse(501, 'Not Implemented', h);
    }
  }

  /** Sends an interleaved frame (RFC 2326 §10.12) on the latest connection. */
  sendInterleaved(channel: number, payload: Uint8Array): void {
    const s = this.streams[this.streams.length - 1];
    const frame = new Uint8Array(4 + payload.length);
    frame.set([0x24, channel, payload.length >> 8, payload.length & 0xff]);
    frame.set(payload, 4);
    s?.write(frame);
  }

  /** Writes raw bytes on the latest connection. */
  sendRaw(bytes: Uint8Array): void {
    this.streams[this.streams.length - 1]?.write(bytes);
  }

  /** Closes every connection (a camera reboot). */
  dropAll(): void {
    for (const s of this.streams) s.close();
  }
}
