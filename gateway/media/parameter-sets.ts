import type { NalSyntax, ParameterSetKind } from './nal-syntax.ts';

/**
 * Remembers the latest parameter sets of a stream and puts them in front of keyframes that lack them,
 * so every IDR/IRAP access unit is decodable on its own (DESIGN: "SPS/PPS in-band before every IDR").
 * Cameras often send SPS/PPS only in the SDP (`sprop-parameter-sets`) or once at the start: seed the
 * cache with {@link ParameterSetCache.observe} from either.
 *
 * @example
 * const ps = new ParameterSetCache(h264Syntax);
 * ps.observe(parseSpropParameterSets(fmtp['sprop-parameter-sets']));
 * const nalus = ps.complete(accessUnit); // SPS+PPS inserted before the IDR slice if missing
 */
export class ParameterSetCache {
  private readonly syntax: NalSyntax;
  private readonly sets = new Map<ParameterSetKind, Uint8Array>();

  constructor(syntax: NalSyntax) {
    this.syntax = syntax;
  }

  /** Keeps the parameter sets among `nalus` (the last of each kind wins). Returns true if any changed. */
  observe(nalus: readonly Uint8Array[]): boolean {
    let changed = false;
    for (const nal of nalus) {
      const kind = this.syntax.parameterSet(nal);
      if (!kind) continue;
      const old = this.sets.get(kind);
      if (old && equal(old, nal)) continue;
      this.sets.set(kind, nal);
      changed = true;
    }
    return changed;
  }

  /** The latest parameter set of a kind. */
  get(kind: ParameterSetKind): Uint8Array | undefined {
    return this.sets.get(kind);
  }

  /** True once every kind the codec needs is known. */
  get ready(): boolean {
    return this.syntax.parameterSetKinds.every((k) => this.sets.has(k));
  }

  /**
   * Observes `nalus`, then, when they are a keyframe missing parameter sets that the cache knows,
   * returns a new array with those inserted (VPS, SPS, PPS order) right after the access unit
   * delimiter, or first (parameter sets precede the SEI that refer to them). Otherwise returns `nalus`.
   */
  complete(nalus: readonly Uint8Array[]): readonly Uint8Array[] {
    this.observe(nalus);
    let at = 0;
    let keyframe = false;
    const has = new Set<ParameterSetKind>();
    for (let i = 0; i < nalus.length; i++) {
      const nal = nalus[i] as Uint8Array;
      const kind = this.syntax.parameterSet(nal);
      if (kind) has.add(kind);
      else if (this.syntax.isKeyframe(nal)) keyframe = true;
      else if (at === i && this.syntax.role(nal) === 'aud') at = i + 1;
    }
    if (!keyframe) return nalus;
    const missing: Uint8Array[] = [];
    for (const kind of this.syntax.parameterSetKinds) {
      const set = this.sets.get(kind);
      if (!has.has(kind) && set) missing.push(set);
    }
    if (missing.length === 0) return nalus;
    return [...nalus.slice(0, at), ...missing, ...nalus.slice(at)];
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
