import { NalPacketizer } from './nal-packetizer.ts';

/** RFC 6184 §5.2: NAL unit types of the RTP payload format. */
export const H264_STAP_A = 24;
export const H264_FU_A = 28;

/**
 * H.264 packetizer, RFC 6184 packetization-mode 1 (non-interleaved, §6.3): single NAL unit
 * packets, STAP-A aggregation of small NAL units (SPS+PPS+SEI ahead of an IDR slice), FU-A
 * fragmentation of NAL units larger than the MTU; marker on the last packet of an access unit.
 *
 * STAP-A (§5.7.1):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         NALU 1 Data                           |
 * :                                                               :
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               | NALU 2 Size                   | NALU 2 HDR    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * FU-A (§5.8):
 * ```
 * +---------------+---------------+
 * |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|NRI|  Type=28|S|E|R|  Type   |  FU indicator, FU header, then a fragment of the NAL payload
 * +---------------+---------------+
 * ```
 * The STAP-A header's F is the OR and NRI the maximum of the aggregated units' (§5.7.1); the FU
 * indicator copies F and NRI of the fragmented unit (§5.8).
 *
 * @example
 * const p = new H264Packetizer(); // mtu 1200, 12 bytes of header headroom
 * p.packetize(accessUnitNals, (pkt, marker) => sendOncePerStream(pkt, marker));
 */
export class H264Packetizer extends NalPacketizer {
  protected readonly nalHeaderSize = 1;
  protected readonly aggregationHeaderSize = 1;
  protected readonly fuHeaderSize = 2;

  protected sendable(nal: Uint8Array): boolean {
    if (nal.length < 2) return false; // a NAL header alone carries nothing
    const type = (nal[0] as number) & 0x1f;
    return type >= 1 && type <= 23; // 0 and 24..31 are not H.264 NAL units (§5.2)
  }

  protected writeAggregationHeader(
    out: Uint8Array,
    at: number,
    nals: readonly Uint8Array[],
    from: number,
    to: number,
  ): void {
    let f = 0;
    let nri = 0;
    for (let k = from; k < to; k++) {
      const m = nals[k] as Uint8Array;
      if (!this.sendable(m)) continue;
      const h = m[0] as number;
      f |= h & 0x80;
      nri = Math.max(nri, h & 0x60);
    }
    out[at] = f | nri | H264_STAP_A;
  }

  protected writeFuHeader(out: Uint8Array, at: number, nal: Uint8Array, start: boolean, end: boolean): void {
    const h = nal[0] as number;
    out[at] = (h & 0xe0) | H264_FU_A;
    out[at + 1] = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (h & 0x1f);
  }
}
