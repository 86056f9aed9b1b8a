import fc from 'fast-check';
import t from 'tap';
import { durationToSeconds, processNodeInfo, secondsToDuration, toGetInfoResponse } from './node-info.ts';
import type { NodeInfo } from './node-info.ts';

t.test('secondsToDuration: exact cases and clamping', async (t) => {
  t.same(secondsToDuration(0), { seconds: 0, nanos: 0 });
  t.same(secondsToDuration(12.5), { seconds: 12, nanos: 500_000_000 });
  t.same(secondsToDuration(1e-9), { seconds: 0, nanos: 1 });
  t.same(secondsToDuration(0.9999999999), { seconds: 1, nanos: 0 }, 'nanos rounding up carries into seconds');
  t.same(secondsToDuration(-3), { seconds: 0, nanos: 0 });
  t.same(secondsToDuration(Number.NaN), { seconds: 0, nanos: 0 });
  t.same(secondsToDuration(Number.POSITIVE_INFINITY), { seconds: 0, nanos: 0 });
});

t.test('secondsToDuration is a valid Duration within 1 ns of the input', async (t) => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 10 * 365 * 86400, noNaN: true }), (s) => {
      const d = secondsToDuration(s);
      return (
        Number.isInteger(d.seconds) &&
        Number.isInteger(d.nanos) &&
        d.nanos >= 0 &&
        d.nanos < 1e9 &&
        Math.abs(durationToSeconds(d) - s) <= 1e-9 + s * Number.EPSILON * 4
      );
    }),
  );
  t.equal(durationToSeconds({ seconds: '7', nanos: 250_000_000 }), 7.25, 'reads int64 as string');
});

const base: NodeInfo = {
  version: '1.2.3',
  nodeId: 'n',
  arch: 'arm64',
  platform: 'linux',
  uptimeSeconds: 1,
  addresses: {},
  capabilities: ['a'],
};

t.test(
  'toGetInfoResponse: addresses in protocol order, empty ones left out, bound gRPC address as fallback',
  async (t) => {
    t.same(
      toGetInfoResponse({ ...base, addresses: { webrtc: '0.0.0.0:8189', http: '' } }, '127.0.0.1:4000')
        .listenAddresses,
      [
        { protocol: 'LISTEN_PROTOCOL_GRPC', address: '127.0.0.1:4000' },
        { protocol: 'LISTEN_PROTOCOL_WEBRTC_UDP', address: '0.0.0.0:8189' },
      ],
    );
    t.same(
      toGetInfoResponse({ ...base, addresses: { grpc: '10.0.0.2:50051' } }, '127.0.0.1:4000').listenAddresses,
      [{ protocol: 'LISTEN_PROTOCOL_GRPC', address: '10.0.0.2:50051' }],
      'the provider wins over the bound address',
    );
    t.same(toGetInfoResponse(base).listenAddresses, [], 'nothing known, nothing listed');
    const caps = ['x'];
    const res = toGetInfoResponse({ ...base, capabilities: caps });
    caps.push('y');
    t.same(res.capabilities, ['x'], 'capabilities are copied');
  },
);

t.test('processNodeInfo takes arch, platform and uptime from the process it is given', async (t) => {
  let up = 5;
  const proc = { arch: 'riscv64' as const, platform: 'linux' as const, uptime: () => up };
  const provider = processNodeInfo({ version: '0.1.0', nodeId: 'id', addresses: {}, capabilities: [] }, proc);
  t.match(await provider(), { arch: 'riscv64', platform: 'linux', uptimeSeconds: 5, nodeId: 'id' });
  up = 6;
  t.equal((await provider()).uptimeSeconds, 6, 'live per call');
  t.match(await processNodeInfo({ version: 'v', nodeId: 'id', addresses: {}, capabilities: [] })(), {
    arch: process.arch,
    platform: process.platform,
  });
});
