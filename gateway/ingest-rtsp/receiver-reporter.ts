import { randomBytes } from 'node:crypto';
import { SDES_CNAME, serializeRtcp, type RtcpPacket } from '../webrtc/rtcp/index.ts';
import type { Clock, Timer } from '../webrtc/transport/index.ts';
import type { ReceptionStats } from '../webrtc/interceptor/index.ts';

/** RFC 3550 §6.2: the recommended minimum report interval. */
export const RTCP_MIN_INTERVAL_MS = 5000;
/** IPv4 + UDP header bytes, counted in avg_rtcp_size (RFC 3550 §6.2, A.7). */
const UDP_IP_OVERHEAD = 28;
/** A.7: e − 3/2, compensating the "timer reconsideration" bias of the randomised interval. */
const COMPENSATION = Math.E - 1.5;

export interface RtcpIntervalInput {
  /** Session members, us included (a camera and us: 2). */
  members: number;
  senders: number;
  /** RTCP bandwidth in bytes per second (5 % of the session bandwidth, §6.2); 0: unknown. */
  rtcpBandwidth: number;
  weSent: boolean;
  /** Average compound RTCP packet size with UDP/IP headers (A.7 avg_rtcp_size). */
  avgRtcpSize: number;
  /** Before the first report: half the minimum (§6.2). */
  initial: boolean;
  minIntervalMs?: number;
}

/**
 * The randomised RTCP report interval of RFC 3550 §6.3.1 / Appendix A.7 (`rtcp_interval`), in ms:
 * the deterministic interval (bandwidth share per member, at least the 5 s minimum, half of it
 * before the first report) times a uniform factor in [0.5, 1.5], divided by e − 3/2.
 *
 * @example
 * rtcpIntervalMs({ members: 2, senders: 1, rtcpBandwidth: 0, weSent: false, avgRtcpSize: 100, initial: false }, Math.random);
 * // 2052 … 6156 ms
 */
export function rtcpIntervalMs(input: RtcpIntervalInput, random: () => number): number {
  const min = input.minIntervalMs ?? RTCP_MIN_INTERVAL_MS;
  const tmin = input.initial ? min / 2 : min;
  let n = input.members;
  let bw = input.rtcpBandwidth;
  // A.7: when senders are at most a quarter of the members, they get 25 % of the RTCP bandwidth.
  if (input.senders <= input.members * 0.25) {
    if (input.weSent) {
      bw *= 0.25;
      n = input.senders;
    } else {
      bw *= 0.75;
      n -= input.senders;
    }
  }
  const t = bw > 0 ? Math.max(tmin, ((input.avgRtcpSize * n) / bw) * 1000) : tmin;
  return (t * (random() + 0.5)) / COMPENSATION;
}

/** A random 96-bit CNAME (RFC 7022 §5: short-term persistent, not tied to a user or host). */
export function randomCname(): string {
  return randomBytes(12).toString('base64');
}

export interface ReceiverReporterOptions {
  clock: Clock;
  /** The track's reception statistics (one RTP session, one camera source). */
  reception: ReceptionStats;
  /** Sends one compound RTCP packet to the camera's RTCP port. */
  send: (compound: Uint8Array) => void;
  /** Our SSRC (default random, §8.1). */
  ssrc?: number;
  /** SDES CNAME (default a random 96-bit identifier, RFC 7022). */
  cname?: string;
  /** Uniform [0, 1) for the interval randomisation (default Math.random). */
  random?: () => number;
  /** §6.2 minimum interval (default 5000 ms). */
  minIntervalMs?: number;
  /** Session bandwidth in bytes/s, for the A.7 share (default 0: the minimum interval rules). */
  sessionBandwidth?: () => number;
}

/**
 * Sends RTCP receiver reports for one track (RFC 3550 §6.4.2): a compound of RR
 * (a report block about the camera's SSRC: fraction and cumulative lost, extended highest
 * sequence, jitter, LSR/DLSR) and SDES CNAME (§6.1: every compound carries a CNAME), at the
 * randomised interval of §6.3 (about 5 s). `close()` sends RR+SDES+BYE (§6.3.7). Cameras use RRs
 * to keep the session's source alive and to adapt. Over UDP they go to the camera's RTCP port,
 * over TCP on the interleaved RTCP channel (RFC 2326 §10.12).
 *
 * @example
 * const rr = new ReceiverReporter({ clock, reception, send: (b) => rtcpConn.send(b, cameraRtcp) });
 * rr.start();
 * rtcpConn.onData((d) => rr.onRtcpReceived(d.length));
 * rr.close();
 */
export class ReceiverReporter {
  readonly ssrc: number;
  readonly cname: string;
  /** Compound packets sent. */
  sent = 0;
  private readonly opts: ReceiverReporterOptions;
  private readonly random: () => number;
  private timer: Timer | undefined;
  private avgRtcpSize = 0;
  private closed = false;

  constructor(options: ReceiverReporterOptions) {
    this.opts = options;
    this.random = options.random ?? Math.random;
    this.ssrc = options.ssrc ?? randomBytes(4).readUInt32BE(0);
    this.cname = options.cname ?? randomCname();
  }

  /** Schedules the first report at half the minimum interval, randomised (§6.2). */
  start(): void {
    if (this.closed || this.timer) return;
    // A.7: avg_rtcp_size starts as the size of the packet we are about to send.
    this.avgRtcpSize = this.compound(false).length + UDP_IP_OVERHEAD;
    this.schedule(true);
  }

  /** Counts an RTCP packet from the camera into avg_rtcp_size (A.7). */
  onRtcpReceived(size: number): void {
    this.updateAvg(size + UDP_IP_OVERHEAD);
  }

  /** The compound RR + SDES (+ BYE) that would be sent now; takes the interval loss. */
  compound(bye: boolean): Uint8Array {
    const block = this.opts.reception.reportBlock(this.opts.clock.now());
    const packets: RtcpPacket[] = [
      // §6.4.2: an RR with no block when nothing has been received yet.
      { type: 'rr', ssrc: this.ssrc, reports: block ? [block] : [], profileExtension: new Uint8Array(0) },
      { type: 'sdes', chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, text: this.cname }] }] },
    ];
    // §6.1: BYE is the last packet of its compound.
    if (bye) packets.push({ type: 'bye', ssrcs: [this.ssrc] });
    return serializeRtcp(packets);
  }

  private updateAvg(size: number): void {
    this.avgRtcpSize = size / 16 + (this.avgRtcpSize * 15) / 16;
  }

  private schedule(initial: boolean): void {
    const ms = rtcpIntervalMs(
      {
        members: 2,
        senders: 1,
        rtcpBandwidth: (this.opts.sessionBandwidth?.() ?? 0) * 0.05,
        weSent: false,
        avgRtcpSize: this.avgRtcpSize,
        initial,
        minIntervalMs: this.opts.minIntervalMs,
      },
      this.random,
    );
    this.timer = this.opts.clock.setTimer(ms, () => {
      if (this.closed) return;
      this.emit(false);
      this.schedule(false);
    });
  }

  private emit(bye: boolean): void {
    const bytes = this.compound(bye);
    this.updateAvg(bytes.length + UDP_IP_OVERHEAD);
    try {
      this.opts.send(bytes);
      this.sent++;
    } catch {
      // A closed socket: the session is ending; its close() stops the timer.
    }
  }

  /** Stops reporting; with `bye` (default) sends RR+SDES+BYE first (§6.3.7). Idempotent. */
  close(options: { bye?: boolean } = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    if (options.bye ?? true) this.emit(true);
  }
}
