/** A codec offered or answered on an m-line (RFC 8866 §6.6 rtpmap + fmtp, RFC 4585 rtcp-fb). */
export interface Codec {
  readonly payloadType: number;
  /** Encoding name as written (`H264`, `opus`, `PCMU`). Compare case-insensitively. */
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number | undefined;
  /** fmtp parameters, keys lower-cased (`profile-level-id`, `packetization-mode`). */
  readonly fmtp: Readonly<Record<string, string>>;
  /** rtcp-fb values for this payload type (`nack`, `nack pli`, `ccm fir`, `transport-cc`). */
  readonly rtcpFb: readonly string[];
}

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type Setup = 'actpass' | 'active' | 'passive';

/** One m-line, as the negotiation needs it. */
export interface MediaSection {
  readonly mid: string;
  readonly kind: 'audio' | 'video' | 'application' | string;
  readonly protocol: string;
  readonly port: number;
  readonly direction: Direction;
  readonly codecs: readonly Codec[];
  /** RFC 8285 header extensions: id → URI. */
  readonly extmaps: readonly { readonly id: number; readonly uri: string }[];
  readonly rtcpMux: boolean;
  readonly rtcpRsize: boolean;
}

/** An ICE candidate line's fields (RFC 8839 §5.1), kept as data: sdp does not depend on ice. */
export interface CandidateLine {
  readonly foundation: string;
  readonly component: number;
  readonly transport: string;
  readonly priority: number;
  readonly ip: string;
  readonly port: number;
  readonly type: string;
  readonly raddr?: string | undefined;
  readonly rport?: number | undefined;
  readonly tcptype?: string | undefined;
}

/** A parsed remote description with BUNDLE resolved: one transport for every section. */
export interface RemoteDescription {
  readonly iceUfrag: string;
  readonly icePwd: string;
  readonly iceLite: boolean;
  readonly iceOptions: readonly string[];
  /** `a=fingerprint` (RFC 8122): hash function lower-cased, value upper-case hex with colons. */
  readonly fingerprint: { readonly algorithm: string; readonly value: string };
  readonly setup: Setup;
  /** The mids of the first BUNDLE group (RFC 9143). */
  readonly bundle: readonly string[];
  readonly candidates: readonly CandidateLine[];
  readonly media: readonly MediaSection[];
}
