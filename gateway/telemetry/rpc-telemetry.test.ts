import * as grpc from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { core, metrics, tracing } from '@opentelemetry/sdk-node';
import t from 'tap';
import { method, unary } from '../../test/harness/grpc-client.ts';
import { settle, startControlFixture, svc } from '../../test/harness/control-fixture.ts';
import { rpcSemconvFromEnv, rpcTelemetry } from './rpc-telemetry.ts';

class TestReader extends metrics.MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

function setup(semconv: 'stable' | 'dup' = 'stable') {
  const reader = new TestReader();
  const meterProvider = new metrics.MeterProvider({ readers: [reader] });
  const spans = new tracing.InMemorySpanExporter();
  const tracerProvider = new tracing.BasicTracerProvider({
    spanProcessors: [new tracing.SimpleSpanProcessor(spans)],
  });
  const observe = rpcTelemetry({
    meter: meterProvider.getMeter('test'),
    tracer: tracerProvider.getTracer('test'),
    propagator: new core.W3CTraceContextPropagator(),
    semconv,
  });
  /** Every data point of a histogram: its attributes and count. */
  const points = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    const out: { attrs: Record<string, unknown>; count: number; sum: number }[] = [];
    for (const sm of resourceMetrics.scopeMetrics)
      for (const m of sm.metrics)
        if (m.descriptor.name === name)
          for (const dp of m.dataPoints) {
            const v = dp.value as { count: number; sum: number };
            out.push({ attrs: { ...dp.attributes }, count: v.count, sum: v.sum });
          }
    return out;
  };
  return {
    observe,
    spans,
    points,
    close: () => Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]),
  };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

t.test('every RPC: duration histogram and a SERVER span with the RPC conventions', async (t) => {
  const tel = setup();
  t.teardown(tel.close);
  const f = await startControlFixture(t, { observeCalls: tel.observe });
  await unary(f.client, svc.node, 'GetInfo', {});
  await unary(f.client, svc.node, 'GetInfo', {});
  await settle(unary(f.client, svc.streams, 'GetStream', { name: 'ghost' }));
  const md = new grpc.Metadata();
  md.set('traceparent', `00-${TRACE_ID}-${PARENT_SPAN}-01`);
  await settle(unary(f.client, svc.streams, 'ProbeSource', { sourceUrl: 'rtsp://cam/' }, md));
  // A server stream: its span ends when the client goes away.
  const m = method(svc.events, 'WatchEvents');
  const watch = f.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, {});
  watch.on('error', () => {});
  await new Promise((r) => watch.once('metadata', r));
  await new Promise((r) => setTimeout(r, 150));
  t.equal(
    tel.spans.getFinishedSpans().filter((s) => s.name.endsWith('WatchEvents')).length,
    0,
    'no WatchEvents span while the stream is open',
  );
  watch.cancel();
  for (let i = 0; i < 100 && tel.spans.getFinishedSpans().length < 5; i++)
    await new Promise((r) => setTimeout(r, 10));

  const points = await tel.points('rpc.server.call.duration');
  const by = (method: string, status: string) =>
    points.find((p) => p.attrs['rpc.method'] === method && p.attrs['rpc.status_code'] === status);
  t.match(by('edgegw.v1.NodeService/GetInfo', 'OK'), {
    attrs: { 'rpc.system.name': 'grpc' },
    count: 2,
  });
  t.notOk(by('edgegw.v1.NodeService/GetInfo', 'OK')?.attrs['error.type'], 'no error.type when OK');
  t.match(by('edgegw.v1.StreamService/GetStream', 'NOT_FOUND'), { count: 1 });
  t.notOk(by('edgegw.v1.StreamService/GetStream', 'NOT_FOUND')?.attrs['error.type'], 'a client error');
  t.match(by('edgegw.v1.StreamService/ProbeSource', 'UNIMPLEMENTED'), {
    count: 1,
    attrs: { 'error.type': 'UNIMPLEMENTED' },
  });
  t.match(by('edgegw.v1.EventService/WatchEvents', 'CANCELLED'), { count: 1 });
  t.ok(
    points.every((p) => p.sum >= 0 && p.sum < 5),
    'durations in seconds',
  );
  t.equal(await tel.points('rpc.server.duration').then((p) => p.length), 0, 'no legacy histogram by default');

  const spans = tel.spans.getFinishedSpans();
  t.same(
    spans.map((s) => s.name),
    [
      'edgegw.v1.NodeService/GetInfo',
      'edgegw.v1.NodeService/GetInfo',
      'edgegw.v1.StreamService/GetStream',
      'edgegw.v1.StreamService/ProbeSource',
      'edgegw.v1.EventService/WatchEvents',
    ],
  );
  t.ok(
    spans.every((s) => s.kind === SpanKind.SERVER),
    'SERVER spans',
  );
  const [info, , notFound, probe, watchSpan] = spans;
  t.match(info?.attributes, {
    'rpc.system.name': 'grpc',
    'rpc.method': 'edgegw.v1.NodeService/GetInfo',
    'rpc.status_code': 'OK',
    'network.peer.address': '127.0.0.1',
  });
  t.equal(info?.status.code, SpanStatusCode.UNSET);
  t.equal(notFound?.status.code, SpanStatusCode.UNSET, 'NOT_FOUND is the client’s mistake: status unset');
  t.match(notFound?.attributes, { 'rpc.status_code': 'NOT_FOUND' });
  t.equal(probe?.status.code, SpanStatusCode.ERROR, 'UNIMPLEMENTED is a server error');
  t.match(probe?.status.message, /no RTSP source prober/);
  t.equal(probe?.spanContext().traceId, TRACE_ID, "the client's traceparent is the parent");
  t.equal(probe?.parentSpanContext?.spanId, PARENT_SPAN);
  t.not(info?.spanContext().traceId, TRACE_ID, 'calls without one start their own trace');
  const ms = (hr: [number, number] | undefined) => (hr === undefined ? 0 : hr[0] * 1000 + hr[1] / 1e6);
  const watchMs = ms(watchSpan?.duration);
  t.ok(watchMs >= 140, `the WatchEvents span lasts as long as the stream (${watchMs.toFixed(0)} ms)`);
  t.match(watchSpan?.attributes, { 'rpc.status_code': 'CANCELLED' });
});

t.test('OTEL_SEMCONV_STABILITY_OPT_IN=rpc/dup adds the older names', async (t) => {
  t.equal(rpcSemconvFromEnv({}), 'stable');
  t.equal(rpcSemconvFromEnv({ OTEL_SEMCONV_STABILITY_OPT_IN: 'http, rpc/dup' }), 'dup');
  const tel = setup('dup');
  t.teardown(tel.close);
  const f = await startControlFixture(t, { observeCalls: tel.observe });
  await settle(unary(f.client, svc.streams, 'GetStream', { name: 'ghost' }));
  await new Promise((r) => setTimeout(r, 20));
  t.match(await tel.points('rpc.server.duration'), [
    {
      attrs: {
        'rpc.system': 'grpc',
        'rpc.service': 'edgegw.v1.StreamService',
        'rpc.method': 'GetStream',
        'rpc.grpc.status_code': grpc.status.NOT_FOUND,
      },
      count: 1,
    },
  ]);
  t.match(await tel.points('rpc.server.call.duration'), [
    { attrs: { 'rpc.method': 'edgegw.v1.StreamService/GetStream' }, count: 1 },
  ]);
  t.match(tel.spans.getFinishedSpans()[0]?.attributes, {
    'rpc.system': 'grpc',
    'rpc.service': 'edgegw.v1.StreamService',
    'rpc.grpc.status_code': grpc.status.NOT_FOUND,
    'rpc.system.name': 'grpc',
    'rpc.method': 'edgegw.v1.StreamService/GetStream',
    'rpc.status_code': 'NOT_FOUND',
  });
});
