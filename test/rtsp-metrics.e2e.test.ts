import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';

/*
 * Issue 5, metrics: the gateway process pulls the real GStreamer camera (one stream over TCP with
 * audio, one over UDP) and `GET /metrics` shows `edgegw_rtsp_*` per stream and media: bytes and
 * packets grow between scrapes, nothing is lost on loopback, and killing the camera and starting
 * it again on the same port counts a reconnect, after which the counters keep growing.
 */
type Sample = Map<string, number>;

async function scrape(http: string): Promise<Sample> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const out: Sample = new Map();
  for (const line of text.split('\n')) {
    const m = /^(edgegw_rtsp_\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] as string).matchAll(/(stream|media)="([^"]*)"/g)].map((x) => `${x[1]}=${x[2]}`);
    out.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return out;
}

t.test('edgegw_rtsp_* bytes, packets, lost and reconnects against the real camera', async (t) => {
  const cam = await startRtspCamera(t, { gopSeconds: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-rtsp-metrics-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    `streams:\n  yard:\n    url: ${cam.mountUrl('/cam')}\n  gate:\n    url: ${cam.mountUrl('/cam-video')}\n    transport: udp\n`,
  );
  const gw = await startGatewayProcess(t, { env: { EDGEGW_CONFIG: file, EDGEGW_DEMO: '0' } });
  await gw.waitForLog((e) => e.msg === 'camera live' && e.stream === 'yard', 10_000);
  await gw.waitForLog((e) => e.msg === 'camera live' && e.stream === 'gate', 10_000);
  await sleep(1000);
  const a = await scrape(gw.http);
  await sleep(2000);
  const b = await scrape(gw.http);
  t.comment([...b].map(([k, v]) => `${k} ${v}`).join('\n'));
  for (const key of [
    'edgegw_rtsp_received_bytes_total{stream=yard,media=video}',
    'edgegw_rtsp_received_packets_total{stream=yard,media=video}',
    'edgegw_rtsp_received_packets_total{stream=yard,media=audio}',
    'edgegw_rtsp_received_bytes_total{stream=gate,media=video}',
    'edgegw_rtsp_received_packets_total{stream=gate,media=video}',
  ]) {
    t.ok((a.get(key) ?? 0) > 0, `${key} counts (${a.get(key)})`);
    t.ok((b.get(key) ?? 0) > (a.get(key) ?? 0), `${key} grows (${a.get(key)} → ${b.get(key)})`);
  }
  // PCMU is one byte per sample at 8 kHz: ~8000 bytes/s of payload over the 2 s between scrapes.
  const audioKey = 'edgegw_rtsp_received_bytes_total{stream=yard,media=audio}';
  const audioRate = ((b.get(audioKey) ?? 0) - (a.get(audioKey) ?? 0)) / 2;
  t.ok(audioRate > 6000 && audioRate < 12_000, `audio at ${audioRate} bytes/s`);
  t.equal(b.get('edgegw_rtsp_lost_packets_total{stream=yard,media=video}'), 0, 'no loss on loopback');
  t.equal(b.get('edgegw_rtsp_reconnects_total{stream=yard}'), 0);
  t.equal(b.get('edgegw_rtsp_udp_fallbacks_total{stream=gate}'), 0, 'UDP flows: no fallback to TCP');

  // The camera dies and comes back on the same port.
  await cam.restart();
  const back = (e: { msg?: unknown; stream?: unknown }, name: string) =>
    gw.logEntries().filter((x) => x.msg === 'camera live' && x.stream === name).length >= 2;
  const deadline = performance.now() + 20_000;
  while (!(back({}, 'yard') && back({}, 'gate')) && performance.now() < deadline) await sleep(100);
  t.ok(back({}, 'yard') && back({}, 'gate'), 'both streams live again');
  const c = await scrape(gw.http);
  await sleep(1500);
  const d = await scrape(gw.http);
  for (const s of ['yard', 'gate']) {
    const r = d.get(`edgegw_rtsp_reconnects_total{stream=${s}}`) ?? 0;
    t.ok(r >= 1, `${s}: reconnects counted (${r})`);
    const key = `edgegw_rtsp_received_packets_total{stream=${s},media=video}`;
    t.ok((c.get(key) ?? 0) >= (b.get(key) ?? 0), `${s}: counters never go back across sessions`);
    t.ok((d.get(key) ?? 0) > (c.get(key) ?? 0), `${s}: packets grow again after the restart`);
  }
});
