/**
 * registerRtspMetrics through the real OpenTelemetry SDK and Prometheus serializer: the names and
 * labels `GET /metrics` shows, values read at collection time (so they grow between scrapes).
 */
import t from 'tap';
import { startTelemetry } from './telemetry.ts';
import { registerRtspMetrics, type RtspCameraCounters } from './rtsp-metrics.ts';

t.test('edgegw_rtsp_* counters per stream and media, read on every scrape', async (t) => {
  const tel = startTelemetry({ serviceVersion: 'test', nodeId: 'n1', env: {} });
  t.teardown(() => tel.shutdown());
  const video = { packets: 10, bytes: 12_000, lostPackets: 0 };
  const cam = {
    stream: 'yard',
    counters: { reconnects: 0, udpFallbacks: 0, media: new Map([['video', video]]) },
  };
  const cams: RtspCameraCounters[] = [cam];
  registerRtspMetrics(tel.meter, () => cams);
  const value = (text: string, name: string, labels: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return Number(line?.split(' ').at(-1));
  };
  let text = await tel.prometheusText();
  t.comment(
    text
      .split('\n')
      .filter((l) => l.includes('rtsp'))
      .join('\n'),
  );
  t.equal(value(text, 'edgegw_rtsp_received_bytes_total', 'stream="yard",media="video"'), 12_000);
  t.equal(value(text, 'edgegw_rtsp_received_packets_total', 'media="video"'), 10);
  t.equal(value(text, 'edgegw_rtsp_lost_packets_total', 'stream="yard"'), 0);
  t.equal(value(text, 'edgegw_rtsp_reconnects_total', 'stream="yard"'), 0);
  t.equal(value(text, 'edgegw_rtsp_udp_fallbacks_total', 'stream="yard"'), 0);
  video.packets = 25;
  video.bytes = 30_000;
  video.lostPackets = 3;
  cam.counters.reconnects = 2;
  cam.counters.media.set('audio', { packets: 7, bytes: 700, lostPackets: 1 });
  text = await tel.prometheusText();
  t.equal(value(text, 'edgegw_rtsp_received_bytes_total', 'media="video"'), 30_000);
  t.equal(value(text, 'edgegw_rtsp_received_packets_total', 'media="audio"'), 7);
  t.equal(value(text, 'edgegw_rtsp_lost_packets_total', 'media="video"'), 3);
  t.equal(value(text, 'edgegw_rtsp_reconnects_total', 'stream="yard"'), 2);
});
