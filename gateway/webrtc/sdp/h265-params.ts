import type { Codec, MediaSection } from './session-description.ts';

/**
 * The H.265 media type parameters that decide whether a receiver can take a stream (RFC 7798 §7.1):
 * profile-space and profile-id (default 0 and 1, Main), tier-flag (default 0, Main tier) and level-id
 * (default 93, level 3.1; 30 × the level number). tx-mode must be SRST: the gateway sends one RTP
 * stream per track (§7.1 "tx-mode", the only mode browsers implement).
 */
export interface H265Params {
  readonly profileSpace: number;
  readonly profileId: number;
  readonly tierFlag: number;
  readonly levelId: number;
}

const int = (v: string | undefined, dflt: number): number | undefined => {
  if (v === undefined) return dflt;
  return /^\d{1,3}$/.test(v) ? Number(v) : undefined;
};

/** The parameters of an `H265/90000` entry, or undefined when one is malformed or tx-mode is not SRST. */
export function parseH265Params(fmtp: Readonly<Record<string, string>>): H265Params | undefined {
  if ((fmtp['tx-mode'] ?? 'SRST').toUpperCase() !== 'SRST') return undefined;
  const profileSpace = int(fmtp['profile-space'], 0);
  const profileId = int(fmtp['profile-id'], 1);
  const tierFlag = int(fmtp['tier-flag'], 0);
  const levelId = int(fmtp['level-id'], 93);
  if (
    profileSpace === undefined ||
    profileId === undefined ||
    tierFlag === undefined ||
    levelId === undefined
  )
    return undefined;
  return { profileSpace, profileId, tierFlag, levelId };
}

/**
 * Picks the offered H.265 payload type the gateway sends a stream on (RFC 7798 §7.2.2): same
 * profile-space and profile-id (§7.2.2: "the profile … MUST be the same" in offer and answer), tx-mode
 * SRST. The level is an upper bound of what the receiver decodes; like H.264 (see pickH264), an entry
 * whose level is below the stream's is still taken, at the offered level, since browsers announce
 * conservative levels. A Main-tier receiver gets a High-tier stream answered at Main tier only if no
 * High-tier entry exists. The answer carries the stream's parameters (what it really is) clamped to
 * the offer, and tx-mode=SRST.
 *
 * Without `stream` (parameter sets not seen yet) the first SRST entry of the Main profile is taken.
 *
 * @example
 * pickH265(offer.media[0], { profileSpace: 0, profileId: 1, tierFlag: 0, levelId: 120 });
 */
export function pickH265(section: MediaSection, stream?: H265Params): Codec | undefined {
  const want = stream ?? { profileSpace: 0, profileId: 1, tierFlag: 0, levelId: 93 };
  const entries = section.codecs
    .filter((c) => c.name.toUpperCase() === 'H265')
    .map((c) => ({ c, p: parseH265Params(c.fmtp) }))
    .filter(
      (x): x is { c: Codec; p: H265Params } =>
        x.p !== undefined && x.p.profileSpace === want.profileSpace && x.p.profileId === want.profileId,
    );
  const chosen =
    entries.find((x) => x.p.tierFlag >= want.tierFlag && x.p.levelId >= want.levelId) ??
    entries.find((x) => x.p.tierFlag >= want.tierFlag) ??
    entries[0];
  if (!chosen) return undefined;
  const fmtp: Record<string, string> = {
    'level-id': String(Math.min(want.levelId, chosen.p.levelId)),
    'profile-id': String(want.profileId),
    'tier-flag': String(Math.min(want.tierFlag, chosen.p.tierFlag)),
    'tx-mode': 'SRST',
  };
  if (want.profileSpace !== 0) fmtp['profile-space'] = String(want.profileSpace);
  return { ...chosen.c, fmtp };
}
