import type { DatagramConn } from '../transport/index.ts';
import { rewriteRtpHeaderFields, RTP_FIXED_HEADER_SIZE } from '../rtp/index.ts';
import type { SrtpContext } from '../srtp/index.ts';

export interface RtpSenderOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly srtp: SrtpContext;
  /** The session's media conn (RFC 7983 RTP/RTCP class of the selected pair). */
  readonly conn: DatagramConn;
  /** Randomness for the sequence and timestamp offsets (RFC 3550 §5.1); default Math.random. */
  readonly random?: () => number;
}

export interface RtpSenderStats {
  packets: number;
  /** SRTP bytes on the wire. */
  bytes: number;
  /** RTP payload bytes (RFC 3550 §6.4.1 octet count for sender reports). */
  payloadBytes: number;
  /** Sends the transport refused (conn closed, protect failed). */
  errors: number;
  /** The viewer's RTP timestamp of the last packet sent and its frame's capture time (ms). */
  lastRtpTimestamp: number;
  lastCaptureWallMs: number;
}

/**
 * One outgoing RTP stream of a viewer: the per-viewer half of the relay (DESIGN.md, the hot path).
 * It takes a packet that was packetized once for the whole stream, copies its 12-byte header into
 * its own scratch buffer, stamps its SSRC, sequence number, timestamp and payload type there, and
 * SRTP-protects that header with the shared payload straight into a reused output buffer: no
 * per-packet allocation, the payload never copied, one protect, one send.
 *
 * Sequence numbers and timestamps are the stream's plus a random per-viewer offset, so they stay
 * continuous whenever the stream's are and are unpredictable to others (RFC 3711 §9.1 asks for
 * random initial values).
 *
 * @example
 * const s = new RtpSender({ ssrc, payloadType: 102, srtp: pc.srtp.tx, conn: pc.mediaConn });
 * s.send(packet.data, packet.payload, packet.seq, packet.timestamp);
 */
export class RtpSender {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly stats: RtpSenderStats = {
    packets: 0,
    bytes: 0,
    payloadBytes: 0,
    errors: 0,
    lastRtpTimestamp: 0,
    lastCaptureWallMs: 0,
  };
  private readonly seqOffset: number;
  private readonly tsOffset: number;
  private readonly srtp: SrtpContext;
  private readonly conn: DatagramConn;
  private readonly header = new Uint8Array(RTP_FIXED_HEADER_SIZE);
  private outView: Uint8Array = new Uint8Array(0);
  private out = new Uint8Array(1500);

  constructor(opts: RtpSenderOptions) {
    const random = opts.random ?? Math.random;
    this.ssrc = opts.ssrc >>> 0;
    this.payloadType = opts.payloadType;
    this.srtp = opts.srtp;
    this.conn = opts.conn;
    this.seqOffset = Math.floor(random() * 0x10000);
    this.tsOffset = Math.floor(random() * 0x1_0000_0000);
  }

  /** The viewer's sequence number for a stream sequence number (and back, for NACKs). */
  viewerSeq(streamSeq: number): number {
    return (streamSeq + this.seqOffset) & 0xffff;
  }

  streamSeq(viewerSeq: number): number {
    return (viewerSeq - this.seqOffset) & 0xffff;
  }

  /** The viewer's RTP timestamp for a stream timestamp (for RTCP sender reports). */
  viewerTimestamp(streamTs: number): number {
    return (streamTs + this.tsOffset) >>> 0;
  }

  /**
   * Sends one stream packet: `template` starts with the stream's 12-byte header, `payload` is the
   * packet's payload (a view the stream made once, shared by every viewer). Returns false when it
   * could not be sent (the conn closed, or protection failed); the caller treats that as a full queue.
   */
  send(
    template: Uint8Array,
    payload: Uint8Array,
    streamSeq: number,
    streamTs: number,
    captureWallMs = 0,
  ): boolean {
    if (this.conn.closed) return false;
    const h = this.header;
    // Bytes 2-11 are all rewritten below; only V/P/X/CC and the marker come from the template.
    h[0] = template[0] as number;
    h[1] = template[1] as number;
    const ts = (streamTs + this.tsOffset) >>> 0;
    rewriteRtpHeaderFields(h, this.ssrc, (streamSeq + this.seqOffset) & 0xffff, ts, this.payloadType);
    const need = RTP_FIXED_HEADER_SIZE + payload.byteLength + this.srtp.rtpOverhead;
    if (need > this.out.byteLength) {
      this.out = new Uint8Array(need);
      this.outView = this.out.subarray(0, 0);
    }
    try {
      const n = this.srtp.protectRtpPartsInto(h, payload, this.out);
      // Reuse the last view when the length repeats (full-size fragments mostly): no per-packet view.
      if (this.outView.length !== n) this.outView = this.out.subarray(0, n);
      this.conn.send(this.outView);
      const st = this.stats;
      st.packets++;
      st.bytes += n;
      st.payloadBytes += payload.byteLength;
      st.lastRtpTimestamp = ts;
      st.lastCaptureWallMs = captureWallMs;
      return true;
    } catch {
      // A closed conn or an exhausted SRTP index (RFC 3711 §3.3.1): this viewer cannot take more.
      this.stats.errors++;
      return false;
    }
  }
}
