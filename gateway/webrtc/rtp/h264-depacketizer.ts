import { AccessUnitAssembler } from './access-unit-assembler.ts';
import { RtpBadPayloadError, RtpTruncatedError } from './errors.ts';
import { H264_FU_A, H264_STAP_A } from './h264-packetizer.ts';

/**
 * H.264 depacketizer, RFC 6184 packetization-mode 0 and 1: single NAL unit packets (types 1..23),
 * STAP-A (24, §5.7.1) and FU-A (28, §5.8). Interleaved-mode types (STAP-B 25, MTAP 26/27, FU-B 29)
 * and the reserved 0, 30, 31 are bad payloads: the access unit is dropped (§5.2 lets a receiver
 * ignore them; mode 1 never sends them). Emits Annex-B access units plus NAL views; see
 * {@link AccessUnitAssembler} for the loss policy.
 *
 * @example
 * const d = new H264Depacketizer({ onAccessUnit: (au) => frames.push(au), onLoss: () => sendNack() });
 * for (const pkt of packets) d.pushPacket(decodeRtp(pkt));
 */
export class H264Depacketizer extends AccessUnitAssembler {
  private readonly fuHeader = new Uint8Array(1);

  protected isKeyframeNal(nal: Uint8Array): boolean {
    return ((nal[0] as number) & 0x1f) === 5; // IDR slice
  }

  protected startsAccessUnit(p: Uint8Array): boolean {
    const type = (p[0] as number) & 0x1f;
    if (type === H264_STAP_A) return p.length > 4 && h264NalStartsAu((p[3] as number) & 0x1f, p[4] as number);
    if (type === H264_FU_A)
      return (
        p.length > 2 &&
        ((p[1] as number) & 0x80) !== 0 &&
        h264NalStartsAu((p[1] as number) & 0x1f, p[2] as number)
      );
    return p.length > 1 && h264NalStartsAu(type, p[1] as number);
  }

  protected parsePayload(p: Uint8Array): void {
    if (p.length < 1) throw new RtpTruncatedError('H.264 payload', 0);
    const type = (p[0] as number) & 0x1f;
    if (type >= 1 && type <= 23) {
      this.addNal(p);
    } else if (type === H264_STAP_A) {
      // §5.7.1: 16-bit NALU size, NAL unit, repeated; at least one unit.
      const units = this.addAggregated(p, 1, 'STAP-A', 1);
      if (units === 0) throw new RtpBadPayloadError('empty STAP-A', 1);
    } else if (type === H264_FU_A) {
      if (p.length < 3) throw new RtpTruncatedError('FU-A', p.length);
      const fu = p[1] as number;
      const start = (fu & 0x80) !== 0;
      const end = (fu & 0x40) !== 0;
      // §5.8: "A FU payload MUST NOT have the Start bit and End bit both set."
      if (start && end) throw new RtpBadPayloadError('FU-A with both S and E set', 1);
      if (start) {
        // the NAL header is rebuilt from the FU indicator's F/NRI and the FU header's type
        this.fuHeader[0] = ((p[0] as number) & 0xe0) | (fu & 0x1f);
        this.beginFragmented(this.fuHeader, p.subarray(2));
      } else this.continueFragmented(p.subarray(2), end);
    } else {
      throw new RtpBadPayloadError(`unsupported H.264 NAL unit type ${type} for packetization-mode 1`, 0);
    }
  }
}

/**
 * H.264 §7.4.1.2.3: SEI (6), SPS (7), PPS (8), AUD (9), prefix NAL (14) and subset SPS (15) only
 * come before the first slice of an access unit; a slice (1, 2, 5) whose first_mb_in_slice is 0
 * (ue(v) coded as a single 1 bit) is the first of its picture.
 */
function h264NalStartsAu(type: number, next: number): boolean {
  if (type === 1 || type === 2 || type === 5) return (next & 0x80) !== 0;
  return (type >= 6 && type <= 9) || type === 14 || type === 15;
}
