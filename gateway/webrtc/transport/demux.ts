import type { Addr } from './addr.ts';
import { BaseConn } from './base-conn.ts';
import type { DatagramConn } from './datagram-conn.ts';

/** The protocols RFC 7983 tells apart on one port. */
export type PacketClass = 'stun' | 'zrtp' | 'dtls' | 'turn' | 'rtp';

/** One row of the match table: first byte in [lo, hi] (inclusive) belongs to `cls`. */
export interface MatchRule {
  readonly cls: PacketClass;
  readonly lo: number;
  readonly hi: number;
}

/*
 * RFC 7983 §7 (the first byte of a packet decides), as updated by RFC 9443 §3:
 *
 *                  +----------------+
 *                  |        [0..3] -+--> forward to STUN
 *                  |                |
 *                  |      [16..19] -+--> forward to ZRTP
 *                  |                |
 *      packet -->  |      [20..63] -+--> forward to DTLS
 *                  |                |
 *                  |      [64..79] -+--> forward to TURN Channel
 *                  |                |
 *                  |    [128..191] -+--> forward to RTP/RTCP
 *                  +----------------+
 *
 * RFC 9443 gives 80..127 (64..127 where no TURN channel is in use) to QUIC, which WebRTC here does
 * not run, and says a packet matching no range MUST be dropped: so 4..15, 80..127 and 192..255
 * (and empty datagrams) are dropped and counted. RTP and RTCP share 128..191 and are told apart by
 * the RTCP packet type (RFC 5761 §4), which is the rtp/rtcp modules' business, not ours.
 */
/** The RFC 7983 / RFC 9443 first-byte match table, in the RFC's order. */
export const RFC7983_MATCH_TABLE: readonly MatchRule[] = Object.freeze([
  { cls: 'stun', lo: 0, hi: 3 },
  { cls: 'zrtp', lo: 16, hi: 19 },
  { cls: 'dtls', lo: 20, hi: 63 },
  { cls: 'turn', lo: 64, hi: 79 },
  { cls: 'rtp', lo: 128, hi: 191 },
] as const);

const CLASSES: readonly PacketClass[] = RFC7983_MATCH_TABLE.map((r) => r.cls);

/** First byte → index into CLASSES plus one (0 = no match): one array read per packet. */
const LOOKUP = (() => {
  const t = new Uint8Array(256);
  RFC7983_MATCH_TABLE.forEach((r, i) => t.fill(i + 1, r.lo, r.hi + 1));
  return t;
})();

/**
 * The RFC 7983 class of a datagram from its first byte, or undefined (drop it).
 *
 * @example
 * classify(new Uint8Array([0x16, 0xfe, 0xfd])); // 'dtls' (a DTLS handshake record)
 * classify(new Uint8Array([0x80, 0x60]));       // 'rtp'
 */
export function classify(data: Uint8Array): PacketClass | undefined {
  const i = data.length === 0 ? 0 : (LOOKUP[data[0] as number] as number);
  return i === 0 ? undefined : CLASSES[i - 1];
}

/**
 * The conn a {@link Demux} gives for one packet class. It receives only that class; it sends through
 * the shared conn (any bytes: the class is about receiving). Closing it stops that class only
 * (later packets of the class are counted as its drops); the shared conn stays open.
 */
export class DemuxConn extends BaseConn {
  constructor(
    private readonly shared: DatagramConn,
    readonly packetClass: PacketClass,
  ) {
    super({ localAddr: shared.localAddr, remoteAddr: shared.remoteAddr, what: `${packetClass} demux conn` });
  }

  protected transmit(data: Uint8Array, to: Addr): void {
    this.shared.send(data, to);
  }
}

/** Counters of a {@link Demux}; per-class counts are on each class conn's `stats`. */
export interface DemuxStats {
  /** Datagrams whose first byte matched no range (or that were empty): dropped. */
  unmatched: number;
}

/**
 * Splits one {@link DatagramConn} into one conn per RFC 7983 class. It takes the shared conn over
 * (sets its data handler): closing the demux closes the shared conn and every class conn, and the
 * shared conn closing closes them all with its error.
 *
 * @example
 * const demux = createDemux(iceConn);
 * demux.stun.onData(onStun);
 * const dtls = new DtlsClient(demux.dtls); // the DTLS layer sees only DTLS records
 * demux.rtp.onData(onSrtp);                // SRTP and SRTCP
 */
export class Demux {
  readonly stun: DemuxConn;
  readonly zrtp: DemuxConn;
  readonly dtls: DemuxConn;
  readonly turn: DemuxConn;
  readonly rtp: DemuxConn;
  readonly stats: DemuxStats = { unmatched: 0 };
  /** Class conns in {@link RFC7983_MATCH_TABLE} order, for the lookup. */
  private readonly outs: readonly DemuxConn[];

  constructor(private readonly shared: DatagramConn) {
    const outs = CLASSES.map((c) => new DemuxConn(shared, c));
    [this.stun, this.zrtp, this.dtls, this.turn, this.rtp] = outs as [
      DemuxConn,
      DemuxConn,
      DemuxConn,
      DemuxConn,
      DemuxConn,
    ];
    this.outs = outs;
    shared.onData(this.onPacket);
    shared.onClose((err) => this.close(err));
  }

  get closed(): boolean {
    return this.shared.closed;
  }

  /** The class conn for `cls`. */
  conn(cls: PacketClass): DemuxConn {
    return this.outs[CLASSES.indexOf(cls)] as DemuxConn;
  }

  /** Closes every class conn and the shared conn; idempotent. */
  close(err?: Error): void {
    for (const c of this.outs) c.close(err);
    this.shared.close(err);
  }

  private readonly onPacket = (data: Uint8Array, from: Addr): void => {
    const i = data.length === 0 ? 0 : (LOOKUP[data[0] as number] as number);
    if (i === 0) {
      this.stats.unmatched++;
      return;
    }
    (this.outs[i - 1] as DemuxConn).deliver(data, from);
  };
}

/** Wraps `conn` in a {@link Demux} (see there). */
export function createDemux(conn: DatagramConn): Demux {
  return new Demux(conn);
}
