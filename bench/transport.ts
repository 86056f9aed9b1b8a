/**
 * The shared UDP port's cost per 1200-byte packet: our UdpConn.send next to raw dgram (unconnected and
 * connected) measured in the same run, and UdpMux dispatch by address across 100 sessions.
 * Run: node --expose-gc --import tsx bench/transport.ts (npm run bench:transport). Not a test.
 */
import dgram from 'node:dgram';
import { createUdpNet, UdpMux, addr, BaseConn } from '../gateway/webrtc/transport/index.ts';
import type { Addr } from '../gateway/webrtc/transport/index.ts';

const N = 200_000;
const pkt = new Uint8Array(1200).fill(0x80);
const gc = (globalThis as { gc?: () => void }).gc!;
const tick = () => new Promise<void>((r) => setImmediate(r));

async function timeSends(label: string, send: () => void): Promise<number> {
  // warm-up
  for (let i = 0; i < 20000; i++) send();
  await tick();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    for (let j = 0; j < 1000; j++) send();
    await tick(); // let dgram's nextTick callbacks run, as a real loop would
  }
  const dt = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / N;
  console.log(
    `${label.padEnd(44)} ${((dt * 1000) / N).toFixed(2)} µs wall, ${us.toFixed(2)} µs CPU per packet`,
  );
  return us;
}

const sink = { port: 9, address: '127.0.0.1' }; // discard port: nobody listens, ICMP ignored on unconnected
const net = createUdpNet();
const conn = await net.listenUdp('127.0.0.1', 0);
const to = addr('127.0.0.1', 9);
const raw = dgram.createSocket('udp4');
await new Promise<void>((r) => raw.bind(0, '127.0.0.1', r));
const rawSync = dgram.createSocket({ type: 'udp4', lookup: (h, _o, cb) => cb(null, h, 4) });
await new Promise<void>((r) => rawSync.bind(0, '127.0.0.1', r));
const rawConn = dgram.createSocket('udp4');
await new Promise<void>((r) => rawConn.bind(0, '127.0.0.1', r));
await new Promise<void>((r) => rawConn.connect(9, '127.0.0.1', r));

const base = await timeSends('dgram unconnected (default lookup, no cb)', () =>
  raw.send(pkt, sink.port, sink.address),
);
await timeSends('dgram unconnected (sync lookup, no cb)', () => rawSync.send(pkt, sink.port, sink.address));
await timeSends('dgram connected (no cb)', () => rawConn.send(pkt));
const ours = await timeSends('UdpConn.send (ring copy + cb)', () => conn.send(pkt, to));
console.log(`ratio UdpConn / dgram unconnected: ${(ours / base).toFixed(2)}`);

// Mux receive path: a fake socket delivers N datagrams from 100 known addresses to 100 endpoints.
class Fake extends BaseConn {
  constructor() {
    super({ localAddr: addr('127.0.0.1', 8189) });
  }
  protected transmit(): void {}
}
const fake = new Fake();
const mux = new UdpMux(fake, { routeKey: () => undefined });
const froms: Addr[] = [];
let received = 0;
for (let i = 0; i < 100; i++) {
  const ep = mux.endpoint(`u${i}`);
  ep.onData(() => received++);
  const a = addr('10.0.0.' + (i + 1), 40000 + i);
  ep.send(new Uint8Array([0, 1]), a); // a STUN send claims the address
  froms.push({ ...a });
}
for (let i = 0; i < 100000; i++) fake.deliver(pkt, froms[i % 100]!);
gc();
const h0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
for (let i = 0; i < N * 5; i++) fake.deliver(pkt, froms[i % 100]!);
const dt = performance.now() - t0;
const h1 = process.memoryUsage().heapUsed;
console.log(
  `UdpMux dispatch (100 sessions, by address)    ${((dt * 1e6) / (N * 5)).toFixed(0)} ns per packet, heap +${((h1 - h0) / (N * 5)).toFixed(2)} bytes per packet; delivered ${received}`,
);
conn.close();
raw.close();
rawSync.close();
rawConn.close();
