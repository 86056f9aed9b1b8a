import { AccessUnitAssembler } from './access-unit-assembler.ts';
import { RtpBadPayloadError, RtpTruncatedError } from './errors.ts';
import { H265_AP, H265_FU } from './h265-packetizer.ts';

/**
 * H.265 depacketizer, RFC 7798 without DONL (sprop-max-don-diff = 0): single NAL unit packets
 * (§4.4.1), AP (type 48, §4.4.2) and FU (type 49, §4.4.3). PACI (50) and the unspecified 51..63
 * are bad payloads (the access unit is dropped). Emits Annex-B access units plus NAL views.
 *
 * @example
 * const d = new H265Depacketizer({ onAccessUnit: (au) => write(au.annexB) });
 */
export class H265Depacketizer extends AccessUnitAssembler {
  private readonly fuHeader = new Uint8Array(2);

  protected isKeyframeNal(nal: Uint8Array): boolean {
    const type = ((nal[0] as number) >>> 1) & 0x3f;
    return type >= 16 && type <= 21; // IRAP: BLA, IDR, CRA
  }

  protected startsAccessUnit(p: Uint8Array): boolean {
    const type = ((p[0] as number) >>> 1) & 0x3f;
    if (type === H265_AP)
      return p.length > 6 && h265NalStartsAu(((p[4] as number) >>> 1) & 0x3f, p[6] as number);
    if (type === H265_FU)
      return (
        p.length > 3 &&
        ((p[2] as number) & 0x80) !== 0 &&
        h265NalStartsAu((p[2] as number) & 0x3f, p[3] as number)
      );
    return p.length > 2 && h265NalStartsAu(type, p[2] as number);
  }

  protected parsePayload(p: Uint8Array): void {
    if (p.length < 3) throw new RtpTruncatedError('H.265 payload', p.length);
    const type = ((p[0] as number) >>> 1) & 0x3f;
    if (type < 48) {
      this.addNal(p);
    } else if (type === H265_AP) {
      const units = this.addAggregated(p, 2, 'AP', 2);
      // §4.4.2: an AP MUST contain at least two aggregation units
      if (units < 2) throw new RtpBadPayloadError(`AP with ${units} unit(s)`, 2);
    } else if (type === H265_FU) {
      if (p.length < 4) throw new RtpTruncatedError('FU', p.length);
      const fu = p[2] as number;
      const start = (fu & 0x80) !== 0;
      const end = (fu & 0x40) !== 0;
      // §4.4.3: S and E MUST NOT both be set in the same FU header
      if (start && end) throw new RtpBadPayloadError('FU with both S and E set', 2);
      if (start) {
        this.fuHeader[0] = ((p[0] as number) & 0x81) | ((fu & 0x3f) << 1);
        this.fuHeader[1] = p[1] as number;
        this.beginFragmented(this.fuHeader, p.subarray(3));
      } else this.continueFragmented(p.subarray(3), end);
    } else {
      throw new RtpBadPayloadError(`unsupported H.265 payload type ${type}`, 0);
    }
  }
}

/**
 * H.265 §7.4.2.4.4: VPS (32), SPS (33), PPS (34), AUD (35) and prefix SEI (39) only come before
 * the first VCL NAL unit of an access unit; a VCL unit (0..31) whose first_slice_segment_in_pic_flag
 * (the first bit after the NAL header) is set begins a picture.
 */
function h265NalStartsAu(type: number, next: number): boolean {
  if (type < 32) return (next & 0x80) !== 0;
  return (type >= 32 && type <= 35) || type === 39;
}
