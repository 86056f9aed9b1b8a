import type { Codec, Direction, MediaSection } from './session-description.ts';

/**
 * H.264 profile-level-id compatibility (RFC 6184 §8.1, §8.2.2): the profile is what must match —
 * profile_idc and the constraint flags that define Constrained Baseline — and the level is an upper
 * bound the receiver can decode, not something to compare by string.
 */
export function h264Profile(
  fmtp: Readonly<Record<string, string>>,
): { profileIdc: number; constraints: number; level: number } | undefined {
  const id = fmtp['profile-level-id'] ?? '42001f';
  if (!/^[0-9a-fA-F]{6}$/.test(id)) return undefined;
  const v = parseInt(id, 16);
  return { profileIdc: v >> 16, constraints: (v >> 8) & 0xff, level: v & 0xff };
}

/** True when a receiver offering `offered` can decode Constrained Baseline (the gateway's demo profile). */
export function acceptsConstrainedBaseline(offered: Codec): boolean {
  const p = h264Profile(offered.fmtp);
  if (!p) return false;
  // Every profile a browser offers (Baseline 66, Main 77, Extended 88, High 100 and its 4:4:4/4:2:2/10-bit
  // kin) decodes a Constrained Baseline stream (RFC 6184 §8.1, H.264 Annex A.2): the profile is a superset.
  return [66, 77, 88, 100, 110, 122, 244].includes(p.profileIdc);
}

/** The direction the answerer takes when it only sends (WHEP) or only receives (WHIP). RFC 8866 §6.7. */
export function answerDirection(offered: Direction, we: 'send' | 'recv'): Direction {
  if (we === 'send') return offered === 'recvonly' || offered === 'sendrecv' ? 'sendonly' : 'inactive';
  return offered === 'sendonly' || offered === 'sendrecv' ? 'recvonly' : 'inactive';
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Picks the offered H.264 payload type the gateway will send: packetization-mode 1 (FU-A/STAP-A)
 * and a profile that decodes Constrained Baseline; the offerer's order breaks ties.
 */
export function pickH264(section: MediaSection): Codec | undefined {
  return section.codecs.find(
    (c) =>
      eq(c.name, 'H264') && (c.fmtp['packetization-mode'] ?? '0') === '1' && acceptsConstrainedBaseline(c),
  );
}

/** Picks the first offered audio codec among `names` (in the gateway's preference order). */
export function pickAudio(section: MediaSection, names: readonly string[]): Codec | undefined {
  for (const n of names) {
    const c = section.codecs.find((x) => eq(x.name, n));
    if (c) return c;
  }
  return undefined;
}
