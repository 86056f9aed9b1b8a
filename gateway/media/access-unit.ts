import type { VideoFrame } from './frame.ts';
import type { NalSyntax, ParameterSetKind } from './nal-syntax.ts';

export interface AccessUnitAssemblerOptions {
  /** Drop access unit delimiters from the output (they still delimit). Default false. */
  dropAud?: boolean;
  /** An access unit growing past this many NAL units is cut there (hostile or broken input). Default 1024. */
  maxNalus?: number;
}

/** Counters of an {@link AccessUnitAssembler}. */
export interface AccessUnitAssemblerStats {
  accessUnits: number;
  /** Access units cut because they reached `maxNalus`. */
  cut: number;
  /** NAL units dropped at flush because no slice followed them. */
  droppedNalus: number;
}

/**
 * Groups a stream of NAL units (decoding order, no start codes) into access units, one per picture,
 * by the rules of ITU-T H.264 §7.4.1.2.3 / H.265 §7.4.2.4.4: a new access unit starts at an access
 * unit delimiter, or at the first prefix NAL unit (SPS, PPS, SEI, VPS, ...) or first slice of a picture
 * (first_mb_in_slice == 0 / first_slice_segment_in_pic_flag) after a slice. x264's zerolatency writes
 * two slices per picture: they land in one access unit with or without AUDs.
 *
 * @example
 * const au = new AccessUnitAssembler(h264Syntax, { dropAud: true });
 * for (const nal of splitter.push(chunk)) for (const nalus of au.push(nal)) emit(nalus);
 */
export class AccessUnitAssembler {
  readonly stats: AccessUnitAssemblerStats = { accessUnits: 0, cut: 0, droppedNalus: 0 };
  private readonly syntax: NalSyntax;
  private readonly dropAud: boolean;
  private readonly maxNalus: number;
  private current: Uint8Array[] = [];
  private hasVcl = false;

  constructor(syntax: NalSyntax, opts: AccessUnitAssemblerOptions = {}) {
    this.syntax = syntax;
    this.dropAud = opts.dropAud ?? false;
    this.maxNalus = opts.maxNalus ?? 1024;
  }

  /**
   * Adds one NAL unit; returns the access unit it completed (it begins the next one), if any.
   * Only access units holding at least one slice are returned.
   */
  push(nal: Uint8Array): Uint8Array[] | undefined {
    const role = this.syntax.role(nal);
    let done: Uint8Array[] | undefined;
    if (role === 'aud' || ((role === 'prefix' || role === 'vcl-first') && this.hasVcl)) done = this.take();
    else if (this.current.length >= this.maxNalus) {
      this.stats.cut++;
      done = this.take();
    }
    if (role === 'vcl' || role === 'vcl-first') this.hasVcl = true;
    if (!(role === 'aud' && this.dropAud)) this.current.push(nal);
    return done;
  }

  /**
   * Returns the access unit in progress (the stream ended, or the transport said the picture is
   * complete, as the RTP marker bit does) and starts afresh.
   */
  flush(): Uint8Array[] | undefined {
    return this.take();
  }

  private take(): Uint8Array[] | undefined {
    const au = this.current;
    const hadVcl = this.hasVcl;
    this.current = [];
    this.hasVcl = false;
    if (!hadVcl) {
      this.stats.droppedNalus += au.filter((n) => this.syntax.role(n) !== 'aud').length;
      return undefined;
    }
    this.stats.accessUnits++;
    return au;
  }
}

/**
 * Groups a whole NAL unit sequence into access units (see {@link AccessUnitAssembler}).
 *
 * @example
 * const units = groupAccessUnits(h264Syntax, splitAnnexB(bytes)); // one entry per picture
 */
export function groupAccessUnits(
  syntax: NalSyntax,
  nalus: Iterable<Uint8Array>,
  opts?: AccessUnitAssemblerOptions,
): Uint8Array[][] {
  const asm = new AccessUnitAssembler(syntax, opts);
  const out: Uint8Array[][] = [];
  for (const nal of nalus) {
    const au = asm.push(nal);
    if (au) out.push(au);
  }
  const last = asm.flush();
  if (last) out.push(last);
  return out;
}

/** What an access unit holds, for keyframe-aware decisions. */
export interface AccessUnitInfo {
  /** It holds an IDR / IRAP slice. */
  keyframe: boolean;
  /** Which parameter sets are in the access unit. */
  has: Record<ParameterSetKind, boolean>;
  /** Every parameter set the codec needs is in the access unit (SPS+PPS; VPS too for H.265). */
  parameterSetsInBand: boolean;
}

/**
 * @example
 * accessUnitInfo(h264Syntax, au); // { keyframe: true, has: { vps: false, sps: true, pps: true }, parameterSetsInBand: true }
 */
export function accessUnitInfo(syntax: NalSyntax, nalus: readonly Uint8Array[]): AccessUnitInfo {
  const has: Record<ParameterSetKind, boolean> = { vps: false, sps: false, pps: false };
  let keyframe = false;
  for (const nal of nalus) {
    const ps = syntax.parameterSet(nal);
    if (ps) has[ps] = true;
    else if (syntax.isKeyframe(nal)) keyframe = true;
  }
  return { keyframe, has, parameterSetsInBand: syntax.parameterSetKinds.every((k) => has[k]) };
}

/**
 * Builds a {@link VideoFrame} from an access unit.
 *
 * @example
 * const frame = videoFrame(h264Syntax, au, 90_000 * seconds, clock.wallNow());
 */
export function videoFrame(
  syntax: NalSyntax,
  nalus: readonly Uint8Array[],
  timestamp: number,
  captureWallMs: number,
): VideoFrame {
  const info = accessUnitInfo(syntax, nalus);
  return {
    kind: 'video',
    codec: syntax.codec,
    nalus,
    timestamp,
    keyframe: info.keyframe,
    parameterSetsInBand: info.parameterSetsInBand,
    captureWallMs,
  };
}
