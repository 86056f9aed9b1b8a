import type { Clock, Net } from '../webrtc/transport/index.ts';
import type { Dialer } from './byte-stream.ts';
import type { RtspLogger } from './logger.ts';
import type { MessageLimits } from './message-parser.ts';
import type { RtspCredentials } from './rtsp-url.ts';
import type { RtspTransport } from './setup-track.ts';
import type { RtspTrack } from './track.ts';

/** What a client needs to reach a camera: shared by `RtspSession`, `RtspSource` and `probe`. */
export interface RtspClientOptions {
  /** `rtsp://[user:pass@]host[:port]/path` */
  url: string;
  /** Credentials from config; those in the URL win when both are given. */
  credentials?: RtspCredentials;
  /** Default `tcp` (interleaved): the most reliable through NAT and Wi-Fi. */
  transport?: RtspTransport;
  /** Default systemClock. */
  clock?: Clock;
  /** Default `tcpDialer` (node:net). */
  dialer?: Dialer;
  /** For `transport: 'udp'`; default webrtc/transport's `udpNet`. */
  net?: Net;
  /** Where UDP receivers bind (default `0.0.0.0`). */
  udpBindAddress?: string;
  userAgent?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Keepalive period; default half the session timeout the camera announced (RFC 2326 §12.37). */
  keepaliveIntervalMs?: number;
  /** 3xx redirects followed before giving up (default 3). */
  maxRedirects?: number;
  /** Which tracks to SETUP (default all). */
  selectTrack?: (track: RtspTrack) => boolean;
  limits?: Partial<MessageLimits>;
  logger?: RtspLogger;
  /** The cnonce source for Digest (tests). */
  cnonce?: () => string;
  /** UDP receiver reports: the §6.2 minimum interval (default 5000 ms) and the randomness (tests). */
  rtcp?: { minIntervalMs?: number; random?: () => number; cname?: string };
}
