import type { Meter, ObservableResult } from '@opentelemetry/api';

/**
 * What the RTSP metrics read of one camera: plain monotonic counters that ingest-rtsp keeps
 * (`RtspCounters`), matched structurally so telemetry needs nothing from ingest-rtsp at run time.
 */
export interface RtspCameraCounters {
  readonly stream: string;
  readonly counters: {
    readonly reconnects: number;
    readonly udpFallbacks: number;
    readonly media: ReadonlyMap<
      string,
      { readonly packets: number; readonly bytes: number; readonly lostPackets: number }
    >;
  };
}

/**
 * Registers the `edgegw.rtsp.*` observable counters (Prometheus: `edgegw_rtsp_*`): RTP bytes and
 * packets received, packets lost (RFC 3550 A.3, from sequence gaps) per stream and media, and
 * reconnects and UDP→TCP fallbacks per stream. Observed on collection, so the media path only
 * increments integers.
 *
 * @example
 * registerRtspMetrics(telemetry.meter, () => streams.rtspCounters());
 */
export function registerRtspMetrics(meter: Meter, cameras: () => Iterable<RtspCameraCounters>): void {
  const perMedia = (
    name: string,
    description: string,
    unit: string,
    pick: (m: { packets: number; bytes: number; lostPackets: number }) => number,
  ): void => {
    meter.createObservableCounter(name, { description, unit }).addCallback((r: ObservableResult) => {
      for (const cam of cameras())
        for (const [media, m] of cam.counters.media) r.observe(pick(m), { stream: cam.stream, media });
    });
  };
  perMedia(
    'edgegw.rtsp.received.bytes',
    'RTP bytes received from cameras (headers included)',
    'By',
    (m) => m.bytes,
  );
  perMedia('edgegw.rtsp.received.packets', 'RTP packets received from cameras', '{packet}', (m) => m.packets);
  perMedia(
    'edgegw.rtsp.lost.packets',
    'RTP packets lost between camera and gateway (sequence gaps, RFC 3550 A.3)',
    '{packet}',
    (m) => m.lostPackets,
  );
  const perStream = (
    name: string,
    description: string,
    pick: (c: RtspCameraCounters['counters']) => number,
  ) =>
    meter.createObservableCounter(name, { description }).addCallback((r: ObservableResult) => {
      for (const cam of cameras()) r.observe(pick(cam.counters), { stream: cam.stream });
    });
  perStream(
    'edgegw.rtsp.reconnects',
    'Camera sessions that failed and were retried (errors, EOF, silence)',
    (c) => c.reconnects,
  );
  perStream(
    'edgegw.rtsp.udp.fallbacks',
    'Switches from RTP over UDP to TCP interleaved (no UDP arrived)',
    (c) => c.udpFallbacks,
  );
}
