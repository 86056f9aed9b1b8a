import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { startOtlpCollector } from './harness/otlp-collector.ts';
import { method, unary } from './harness/grpc-client.ts';
import { settle, svc } from './harness/control-fixture.ts';

/*
 * Issue 6: metrics and traces for every RPC (OpenTelemetry RPC semantic conventions), from the
 * gateway process: RPCs with a real grpc-js client, then the duration histogram per method and
 * status in GET /metrics, and SERVER spans at a local OTLP/HTTP collector.
 */
interface OtlpAttr {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  name: string;
  kind: number;
  traceId: string;
  parentSpanId?: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttr[];
  status?: { code?: number; message?: string };
}

function spansOf(body: string): OtlpSpan[] {
  const doc = JSON.parse(body) as { resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[] };
  return (doc.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
}

function attrs(span: OtlpSpan | undefined): Record<string, string | number | undefined> {
  return Object.fromEntries(
    (span?.attributes ?? []).map((a) => [
      a.key,
      a.value.stringValue ?? (a.value.intValue === undefined ? undefined : Number(a.value.intValue)),
    ]),
  );
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

t.test('RPC duration histogram in /metrics and SERVER spans over OTLP, per method and status', async (t) => {
  const collector = await startOtlpCollector(t);
  const gw = await startGatewayProcess(t, {
    env: {
      EDGEGW_DEMO: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
    },
  });
  const client = new grpc.Client(gw.grpc, grpc.credentials.createInsecure());
  t.teardown(() => client.close());

  await unary(client, svc.node, 'GetInfo', {});
  await unary(client, svc.node, 'GetStats', {});
  await unary(client, svc.streams, 'ListStreams', {});
  t.equal(
    (await settle(unary(client, svc.streams, 'GetStream', { name: 'ghost' }))).code,
    grpc.status.NOT_FOUND,
  );
  const bad = await settle(unary(client, svc.streams, 'AddStream', { name: 'x', sourceUrl: 'http://no' }));
  t.equal(bad.code, grpc.status.INVALID_ARGUMENT);
  // An unreachable camera: a server-side failure (UNAVAILABLE), with the client's trace context.
  const md = new grpc.Metadata();
  md.set('traceparent', `00-${TRACE_ID}-b7ad6b7169203331-01`);
  const probe = await settle(
    unary(client, svc.streams, 'ProbeSource', { sourceUrl: 'rtsp://127.0.0.1:1/cam', sample: {} }, md),
  );
  t.equal(probe.code, grpc.status.UNAVAILABLE, probe.details);
  // A server stream, open ~300 ms, then cancelled by the client.
  const m = method(svc.events, 'WatchEvents');
  const watch = client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, {});
  watch.on('error', () => {});
  await new Promise((r) => watch.once('metadata', r));
  await new Promise((r) => setTimeout(r, 300));
  watch.cancel();
  await new Promise((r) => setTimeout(r, 100));

  // Prometheus text: one histogram, a series per method and status.
  const text = await (await fetch(`${gw.http}/metrics`)).text();
  const count = (method: string, status: string): number => {
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('rpc_server_call_duration_count{') &&
          l.includes(`rpc_method="${method}"`) &&
          l.includes(`rpc_status_code="${status}"`),
      );
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  t.match(text, /^# TYPE rpc_server_call_duration histogram$/m, 'a histogram (unit s)');
  t.match(
    text,
    /^rpc_server_call_duration_bucket\{[^}]*rpc_system_name="grpc"[^}]*le="0\.005"\} \d+$/m,
    'with the advised buckets',
  );
  t.equal(count('edgegw.v1.NodeService/GetInfo', 'OK'), 1, 'GetInfo OK');
  t.equal(count('edgegw.v1.NodeService/GetStats', 'OK'), 1);
  t.equal(count('edgegw.v1.StreamService/ListStreams', 'OK'), 1);
  t.equal(count('edgegw.v1.StreamService/GetStream', 'NOT_FOUND'), 1, 'GetStream NOT_FOUND');
  t.equal(count('edgegw.v1.StreamService/AddStream', 'INVALID_ARGUMENT'), 1);
  t.equal(count('edgegw.v1.StreamService/ProbeSource', 'UNAVAILABLE'), 1);
  t.equal(count('edgegw.v1.EventService/WatchEvents', 'CANCELLED'), 1);
  t.match(text, /rpc_server_call_duration_count\{[^}]*error_type="UNAVAILABLE"/, 'error.type on errors');

  // Spans: the batch processor exports within ~200 ms.
  const want = 7;
  const deadline = Date.now() + 10_000;
  let spans: OtlpSpan[] = [];
  while (Date.now() < deadline) {
    spans = collector.received
      .filter((e) => e.path === '/v1/traces')
      .map((e) => e.body.toString('utf8'))
      .flatMap(spansOf)
      .filter((s) => s.name.startsWith('edgegw.v1.'));
    if (spans.length >= want) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.same(
    spans.map((s) => s.name).sort(),
    [
      'edgegw.v1.EventService/WatchEvents',
      'edgegw.v1.NodeService/GetInfo',
      'edgegw.v1.NodeService/GetStats',
      'edgegw.v1.StreamService/AddStream',
      'edgegw.v1.StreamService/GetStream',
      'edgegw.v1.StreamService/ListStreams',
      'edgegw.v1.StreamService/ProbeSource',
    ],
    'one span per call, named after rpc.method',
  );
  const span = (name: string) => spans.find((s) => s.name === name);
  t.ok(
    spans.every((s) => s.kind === 2),
    'SPAN_KIND_SERVER',
  );
  t.match(attrs(span('edgegw.v1.StreamService/GetStream')), {
    'rpc.system.name': 'grpc',
    'rpc.method': 'edgegw.v1.StreamService/GetStream',
    'rpc.status_code': 'NOT_FOUND',
    'network.peer.address': '127.0.0.1',
  });
  t.notOk(span('edgegw.v1.StreamService/GetStream')?.status?.code, 'a client error leaves the status unset');
  const probeSpan = span('edgegw.v1.StreamService/ProbeSource');
  t.match(attrs(probeSpan), { 'rpc.status_code': 'UNAVAILABLE', 'error.type': 'UNAVAILABLE' });
  t.equal(probeSpan?.status?.code, 2, 'STATUS_CODE_ERROR for a server error');
  t.equal(probeSpan?.traceId, TRACE_ID, "the fleet manager's trace continues in the gateway");
  t.equal(probeSpan?.parentSpanId, 'b7ad6b7169203331');
  const w = span('edgegw.v1.EventService/WatchEvents');
  const wMs =
    w === undefined ? 0 : Number((BigInt(w.endTimeUnixNano) - BigInt(w.startTimeUnixNano)) / 1_000_000n);
  t.ok(wMs >= 280, `the WatchEvents span ends when the stream ends (${wMs} ms)`);
  t.match(attrs(w), { 'rpc.status_code': 'CANCELLED' });

  client.close();
  t.equal((await gw.stop()).code, 0);
});
