import type { RtspTransport } from '../config/index.ts';

/** Probes an RTSP source without adding it (DESCRIBE, maybe SETUP/PLAY for the first frames). */
export interface SourceProber {
  /**
   * @throws SourceProbeError (`reason` unreachable | timeout | refused | protocol); its message
   *   must not contain the URL's password (the service masks it anyway).
   */
  probe(
    url: string,
    opts: { readonly rtspTransport: RtspTransport; readonly timeoutMs: number; readonly signal: AbortSignal },
  ): Promise<ProbeResult>;
}

/** What a source offers. */
export interface ProbeResult {
  /** The source's Server header, or "". */
  readonly server: string;
  readonly tracks: readonly ProbeTrackInfo[];
}

/** One SDP media section of the source. */
export interface ProbeTrackInfo {
  readonly media: string;
  readonly codec: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly fmtp: string;
  readonly width: number;
  readonly height: number;
}
