import { SdpError } from './errors.ts';
import { h264Decodes, parseH264ProfileLevelId, type H264ProfileName } from './h264-profile-level.ts';
import type { Codec, Direction, MediaSection, RemoteDescription } from './session-description.ts';

/** The direction the answerer takes when it only sends (WHEP) or only receives (WHIP). RFC 8866 §6.7. */
export function answerDirection(offered: Direction, we: 'send' | 'recv'): Direction {
  if (we === 'send') return offered === 'recvonly' || offered === 'sendrecv' ? 'sendonly' : 'inactive';
  return offered === 'sendonly' || offered === 'sendrecv' ? 'recvonly' : 'inactive';
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * RFC 6184 §8.1: packetization-mode absent means 0 (single NAL unit). The gateway packetizes with
 * FU-A/STAP-A (mode 1), and §8.2.2 requires the mode to match exactly: a mode-0 receiver cannot take
 * fragmented NAL units.
 */
function isH264Mode1(c: Codec): boolean {
  return eq(c.name, 'H264') && (c.fmtp['packetization-mode'] ?? '0') === '1';
}

/**
 * The fmtp we answer for the H.264 payload type we send: the stream's real profile-level-id (RFC 6184
 * §8.2.2: the answer describes what the answerer sends when levels may be asymmetric, and a level at
 * or below the offer's otherwise), packetization-mode 1, and level-asymmetry-allowed echoed.
 */
function answerFmtp(offered: Codec, profileLevelId: string): Record<string, string> {
  return {
    ...(offered.fmtp['level-asymmetry-allowed'] === '1' ? { 'level-asymmetry-allowed': '1' } : {}),
    'packetization-mode': '1',
    'profile-level-id': profileLevelId.toLowerCase(),
  };
}

/**
 * Picks the offered H.264 payload type the gateway sends a stream on, parameter by parameter:
 * packetization-mode 1 exactly, and a profile-level-id that decodes the stream — by profile
 * compatibility with the level as an upper bound (RFC 6184 §8.1, §8.2.2), never by string. An entry
 * of the stream's own profile wins over a superset profile; the offerer's order breaks ties. The
 * returned codec carries the fmtp to answer with: what the stream really is.
 *
 * Without `streamProfileLevelId` (a stream whose SPS is not known yet) any mode-1 entry that decodes
 * Constrained Baseline at its own level is taken and its fmtp echoed.
 *
 * @example
 * const codec = pickH264(offer.media[0], '42c01f'); // Chromium: PT of 42e01f, answered as 42c01f
 */
export function pickH264(section: MediaSection, streamProfileLevelId?: string): Codec | undefined {
  const stream = parseH264ProfileLevelId(streamProfileLevelId);
  const modeOk = section.codecs.filter(isH264Mode1);
  if (streamProfileLevelId === undefined || !stream) {
    return modeOk.find((c) => {
      const r = parseH264ProfileLevelId(c.fmtp['profile-level-id']);
      return r !== undefined && h264Decodes(r, { ...r, profile: 'constrained-baseline' });
    });
  }
  const decodes = modeOk.filter((c) => {
    const r = parseH264ProfileLevelId(c.fmtp['profile-level-id']);
    return r !== undefined && h264Decodes(r, stream);
  });
  const same = decodes.find(
    (c) => parseH264ProfileLevelId(c.fmtp['profile-level-id'])?.profile === stream.profile,
  );
  const chosen = same ?? decodes[0];
  if (chosen) return { ...chosen, fmtp: answerFmtp(chosen, streamProfileLevelId) };
  // No entry's level reaches the stream's. Browsers announce a conservative level (Chromium: 3.1)
  // yet decode far higher, and a 1080p camera (level 4+) must still play: take a profile-compatible
  // entry and answer at the offered level, the upper bound the offerer set (RFC 6184 §8.2.2).
  const compatible = modeOk
    .map((c) => ({ c, r: parseH264ProfileLevelId(c.fmtp['profile-level-id']) }))
    .filter(
      (x): x is { c: Codec; r: NonNullable<typeof x.r> } =>
        x.r !== undefined && h264Decodes({ ...x.r, level: Infinity }, stream),
    )
    .sort((a, b) => b.r.level - a.r.level)[0];
  if (!compatible) return undefined;
  const clamped =
    streamProfileLevelId.slice(0, 4) + (compatible.r.levelIdc & 0xff).toString(16).padStart(2, '0');
  return { ...compatible.c, fmtp: answerFmtp(compatible.c, clamped) };
}

/** The profiles the gateway prefers to receive from a publisher: what every browser can play. */
const RECEIVE_PREFERENCE: readonly H264ProfileName[] = [
  'constrained-baseline',
  'baseline',
  'main',
  'constrained-high',
  'high',
];

/**
 * Picks the offered H.264 payload type the gateway receives (WHIP): packetization-mode 1 exactly, and
 * the most widely decodable profile on offer (Constrained Baseline first), since viewers get the
 * publisher's bitstream as is. The offered fmtp is echoed: it describes what the publisher will send.
 */
export function pickH264ToReceive(section: MediaSection): Codec | undefined {
  const modeOk = section.codecs.filter(isH264Mode1);
  for (const p of RECEIVE_PREFERENCE) {
    const c = modeOk.find((c) => parseH264ProfileLevelId(c.fmtp['profile-level-id'])?.profile === p);
    if (c) return c;
  }
  return undefined;
}

/** Picks the first offered audio codec among `names` (in the gateway's preference order). */
export function pickAudio(section: MediaSection, names: readonly string[]): Codec | undefined {
  for (const n of names) {
    const c = section.codecs.find((x) => eq(x.name, n));
    if (c) return c;
  }
  return undefined;
}

/** Payload formats that repair or protect another one (RFC 4588, 2198, 5109, 8627): not codecs to name. */
const NOT_MEDIA = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'telephone-event', 'cn']);

/** One offered codec, as a person reads it: `H264 (packetization-mode=0, profile-level-id=42e01f)`. */
function describeCodec(c: Codec): string {
  if (eq(c.name, 'H265')) {
    const p = Object.entries(c.fmtp)
      .filter(([k]) => k === 'profile-id' || k === 'level-id' || k === 'tier-flag')
      .map(([k, v]) => `${k}=${v}`);
    return p.length > 0 ? `H265 (${p.join(', ')})` : 'H265';
  }
  if (!eq(c.name, 'H264')) return c.name;
  const pm = c.fmtp['packetization-mode'] ?? '0';
  const plid = c.fmtp['profile-level-id'];
  return `H264 (packetization-mode=${pm}${plid ? `, profile-level-id=${plid.toLowerCase()}` : ''})`;
}

/**
 * What an offer proposes, per media kind, for error messages: `video: VP8, VP9, H264
 * (packetization-mode=0, profile-level-id=42e01f); audio: opus, PCMU`. Repair formats are left out,
 * duplicates folded.
 */
export function describeOffered(offer: Pick<RemoteDescription, 'media'>): string {
  const parts = offer.media
    .filter((m) => m.port !== 0)
    .map((m) => {
      const names = [
        ...new Set(m.codecs.filter((c) => !NOT_MEDIA.has(c.name.toLowerCase())).map(describeCodec)),
      ];
      return `${m.kind}: ${names.length > 0 ? names.join(', ') : 'nothing'}`;
    });
  return parts.length > 0 ? parts.join('; ') : 'no media';
}

/**
 * The error for an offer the gateway shares no codec with (`SDP_NO_COMMON_CODEC`, HTTP 400), naming
 * what the gateway wants and what was offered.
 *
 * @example
 * throw noCommonCodec(offer, 'H264 packetization-mode=1 decoding profile-level-id 42c01f');
 */
export function noCommonCodec(offer: Pick<RemoteDescription, 'media'>, wanted: string): SdpError {
  return new SdpError(
    'SDP_NO_COMMON_CODEC',
    `no common codec: the gateway needs ${wanted}; offered: ${describeOffered(offer)}`,
  );
}
