/** Cumulative counters of one media kind of a camera (all its tracks of that kind, every session). */
export interface RtspMediaCounters {
  /** RTP packets and their bytes (header included) received. */
  packets: number;
  bytes: number;
  rtcpPackets: number;
  /** Lost RTP packets, from sequence gaps (RFC 3550 A.3). */
  lostPackets: number;
  /** The codec of the latest session's track. */
  codec: string;
}

/**
 * Plain, monotonic counters of a camera across sessions and reconnects: what `edgegw.rtsp.*`
 * metrics observe. ingest-rtsp only increments them; whoever exports them (telemetry) reads them.
 * One object may be shared by several `RtspSource`s of a stream (an on-demand stream makes a new
 * source per viewer cycle) so the counters never go back.
 *
 * @example
 * const counters = createRtspCounters();
 * new RtspSource({ url, counters });
 * meter.createObservableCounter('edgegw.rtsp.reconnects').addCallback((r) => r.observe(counters.reconnects));
 */
export interface RtspCounters {
  /** Failures after which the source retried (errors, EOF, silence, UDP→TCP fallback). */
  reconnects: number;
  udpFallbacks: number;
  /** UDP datagrams dropped because they did not come from the camera. */
  foreignPackets: number;
  /** Keyed by media (`video`, `audio`, …). */
  readonly media: Map<string, RtspMediaCounters>;
}

export function createRtspCounters(): RtspCounters {
  return { reconnects: 0, udpFallbacks: 0, foreignPackets: 0, media: new Map() };
}

/** The counters of a media kind, created on first use. */
export function mediaCounters(c: RtspCounters, media: string, codec: string): RtspMediaCounters {
  let m = c.media.get(media);
  if (!m) {
    m = { packets: 0, bytes: 0, rtcpPackets: 0, lostPackets: 0, codec };
    c.media.set(media, m);
  }
  m.codec = codec;
  return m;
}
