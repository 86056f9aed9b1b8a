import type { RtspTransport } from '../config/index.ts';

/** What StreamService.ProbeSource asks of a prober. */
export interface ProbeRequest {
  /** `auto` may be probed over TCP; the result says which was used. */
  readonly rtspTransport: RtspTransport;
  /** The whole probe must end within this (connect, DESCRIBE, SETUP/PLAY, sampling). */
  readonly timeoutMs: number;
  /** Play this long to measure frame rate, bitrate and B-frames; 0: DESCRIBE only. Below timeoutMs. */
  readonly sampleMs: number;
  /** Aborted when the gRPC call is cancelled: the prober stops and closes its connection. */
  readonly signal: AbortSignal;
}

/**
 * Probes an RTSP source without adding it (DESCRIBE, then SETUP/PLAY for `sampleMs`): the seam
 * between the control plane and the RTSP client (gateway/rtsp-prober.ts implements it over
 * ingest-rtsp's `probe`).
 */
export interface SourceProber {
  /**
   * @throws SourceProbeError (see {@link ProbeFailure}); its message must not contain the URL's
   *   password (the service scrubs it anyway). An InvalidFieldError for a URL the client cannot use.
   */
  probe(url: string, opts: ProbeRequest): Promise<ProbeResult>;
}

/** What a source offers: `edge-gateway probe`'s data, with no credentials inside. */
export interface ProbeResult {
  /** The source's Server header, or "". */
  readonly server: string;
  /** `basic`/`digest` when the source asked for credentials, else "". */
  readonly auth: string;
  /** Methods of the OPTIONS reply's Public header. */
  readonly publicMethods: readonly string[];
  /** The transport actually used. */
  readonly transport: 'tcp' | 'udp';
  readonly tracks: readonly ProbeTrackInfo[];
  /** Some video track is playable in browsers and no B-frames were seen. */
  readonly playable: boolean;
  /** Why not, or what is missing, one sentence each. */
  readonly notes: readonly string[];
  /** Milliseconds the source was played (0: described only). */
  readonly sampledMs: number;
}

/** One SDP media section of the source. Unknown numbers are 0, unknown strings "". */
export interface ProbeTrackInfo {
  readonly index: number;
  readonly media: string;
  readonly codec: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels: number;
  /** The a=fmtp parameters, or "" when the prober does not report them. */
  readonly fmtp: string;
  /** Control URL, password masked. */
  readonly control: string;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly profileLevelId: string;
  readonly bitrateKbps: number;
  readonly frames: number;
  readonly keyframes: number;
  readonly bFrames: boolean;
  readonly browserPlayable: boolean;
  /** Why a browser cannot play it; "" when it can. */
  readonly browserReason: string;
}
