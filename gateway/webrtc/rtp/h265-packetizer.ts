import { NalPacketizer } from './nal-packetizer.ts';

/** RFC 7798 §4.4: NAL unit types of the RTP payload format. */
export const H265_AP = 48;
export const H265_FU = 49;
export const H265_PACI = 50;

/**
 * H.265 packetizer, RFC 7798 without DONL (sprop-max-don-diff = 0, the WebRTC profile): single NAL
 * unit packets (§4.4.1), aggregation packets (§4.4.2) and fragmentation units (§4.4.3); marker on
 * the last packet of an access unit (§4.1).
 *
 * NAL unit header (§1.1.4) and FU (§4.4.3):
 * ```
 * +---------------+---------------+
 * |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|   Type    |  LayerId  | TID |   payload header (Type = 48 for AP, 49 for FU)
 * +-------------+-----------------+
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |S|E|  FuType   |                   FU header, then a fragment of the NAL payload
 * +---------------+
 * ```
 * AP (§4.4.2): payload header, then for each unit a 16-bit size and the unit. Its F bit is the OR,
 * LayerId and TID the lowest of the aggregated units'.
 *
 * @example
 * new H265Packetizer().packetize([vps, sps, pps, idr], (pkt, marker) => out(pkt, marker));
 */
export class H265Packetizer extends NalPacketizer {
  protected readonly nalHeaderSize = 2;
  protected readonly aggregationHeaderSize = 2;
  protected readonly fuHeaderSize = 3;

  protected sendable(nal: Uint8Array): boolean {
    if (nal.length < 3) return false;
    const type = ((nal[0] as number) >>> 1) & 0x3f;
    return type < 48; // 48..63 are unspecified in H.265 and used by the payload format (§4.4)
  }

  protected writeAggregationHeader(
    out: Uint8Array,
    at: number,
    nals: readonly Uint8Array[],
    from: number,
    to: number,
  ): void {
    let f = 0;
    let layer = 63;
    let tid = 7;
    for (let k = from; k < to; k++) {
      const m = nals[k] as Uint8Array;
      if (!this.sendable(m)) continue;
      const h0 = m[0] as number;
      const h1 = m[1] as number;
      f |= h0 & 0x80;
      layer = Math.min(layer, ((h0 & 0x01) << 5) | (h1 >>> 3));
      tid = Math.min(tid, h1 & 0x07);
    }
    out[at] = f | (H265_AP << 1) | (layer >>> 5);
    out[at + 1] = ((layer & 0x1f) << 3) | tid;
  }

  protected writeFuHeader(out: Uint8Array, at: number, nal: Uint8Array, start: boolean, end: boolean): void {
    const h0 = nal[0] as number;
    out[at] = (h0 & 0x81) | (H265_FU << 1);
    out[at + 1] = nal[1] as number;
    out[at + 2] = (start ? 0x80 : 0) | (end ? 0x40 : 0) | ((h0 >>> 1) & 0x3f);
  }
}
