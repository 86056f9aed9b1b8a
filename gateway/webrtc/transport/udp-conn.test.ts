import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:dgram';
import { createUdpNet, udpNet, UDP4_MAX_DATAGRAM, UDP6_MAX_DATAGRAM } from './udp-conn.ts';
import { datagramConnConformance } from './conformance.ts';
import type { DatagramConn } from './datagram-conn.ts';
import { addr } from './addr.ts';

const net = createUdpNet({ recvBufferSize: 1 << 20 });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const settle = () => sleep(5);

async function until(cond: () => boolean, ms = 1000): Promise<boolean> {
  for (let waited = 0; !cond() && waited < ms; waited += 5) await sleep(5);
  return cond();
}

datagramConnConformance(t, 'udp 127.0.0.1', async () => {
  const a = await net.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  return { a, b, maxDatagram: UDP4_MAX_DATAGRAM, ordered: true, settle };
});

const v6 = await udpNet.listenUdp('::1', 0).then(
  (c) => (c.close(), true),
  () => false,
);
if (v6) {
  datagramConnConformance(t, 'udp [::1]', async () => {
    const a = await net.listenUdp('::1', 0);
    const b = await net.listenUdp('::1', 0);
    return { a, b, maxDatagram: UDP6_MAX_DATAGRAM, ordered: true, settle };
  });
} else {
  t.comment('udp [::1]: skipped, no IPv6 loopback here');
}

function socketOf(c: DatagramConn): Socket {
  return (c as unknown as { socket: Socket }).socket;
}

t.test('the scratch serves datagram after datagram of many sizes, each with its own bytes', async (t) => {
  const a = await net.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  const got: Uint8Array[] = [];
  b.onData((d) => got.push(d));
  const scratch = new Uint8Array(20000); // one reused buffer, as SRTP's output
  const sizes = [20000, 1222, 1222, 37, 1222, 5000, 1, 1222];
  const n = 60;
  for (let i = 0; i < n; i++) {
    const len = sizes[i % sizes.length]!;
    scratch.fill(i);
    a.send(scratch.subarray(0, len), b.localAddr);
    if (i % 5 === 4) t.ok(await until(() => got.length === i + 1), `batch up to ${i} arrived`);
  }
  t.equal(got.length, n);
  t.ok(
    got.every((d, i) => d.length === sizes[i % sizes.length] && d.every((x) => x === i)),
    'every datagram carries its own bytes and length',
  );
  t.equal(a.stats.scratchBypass, 0, 'no backpressure on loopback at this rate');
  a.close();
  b.close();
});

t.test('while a send is queued the scratch is not reused: the next datagrams are copied', async (t) => {
  // Loopback never pushes back, so the queue is simulated at the socket's own counter.
  const a = await net.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  const got: number[] = [];
  b.onData((d) => got.push(d[0]!));
  const sock = socketOf(a);
  const real = sock.getSendQueueCount.bind(sock);
  let queued = 1;
  sock.getSendQueueCount = () => queued;
  const buf = new Uint8Array([1, 2, 3]);
  a.send(buf, b.localAddr); // through the scratch; the socket then reports one queued send
  buf[0] = 9;
  a.send(buf, b.localAddr); // the scratch is held: a copy
  t.equal(a.stats.scratchBypass, 1);
  queued = 0; // the queued send completed
  buf[0] = 5;
  a.send(buf, b.localAddr);
  t.equal(a.stats.scratchBypass, 1, 'drained: the scratch serves again');
  sock.getSendQueueCount = real;
  t.ok(await until(() => got.length === 3));
  t.same(got, [1, 9, 5]);
  a.close();
  b.close();
});

t.test('bind failures reject with TransportBindError carrying the OS error', async (t) => {
  const a = await net.listenUdp('127.0.0.1', 0);
  await t.rejects(net.listenUdp('127.0.0.1', a.localAddr.port), {
    code: 'TRANSPORT_BIND',
    cause: { code: 'EADDRINUSE' },
  });
  await t.rejects(net.listenUdp('192.0.2.1', 0), {
    code: 'TRANSPORT_BIND',
    cause: { code: 'EADDRNOTAVAIL' },
  });
  a.close();
});

t.test('a send the OS refuses is counted, not thrown, and the conn stays open', async (t) => {
  const a = await net.listenUdp('127.0.0.1', 0);
  a.send(new Uint8Array([1]), addr('::1', 9)); // IPv6 destination on an IPv4 socket
  t.ok(await until(() => a.stats.sendErrors === 1), 'counted');
  t.equal(a.closed, false);
  a.close();
});

t.test('a socket error closes the conn with TransportSocketError', async (t) => {
  const a = await net.listenUdp('127.0.0.1', 0);
  let err: Error | undefined;
  a.onClose((e) => (err = e));
  const cause = Object.assign(new Error('recvmsg failed'), { code: 'ENOBUFS' });
  socketOf(a).emit('error', cause);
  t.ok(a.closed);
  t.match(err, { code: 'TRANSPORT_SOCKET', cause });
  t.throws(() => a.send(new Uint8Array(1), a.localAddr), { code: 'TRANSPORT_CLOSED' });
});

t.test('the socket closing underneath closes the conn', async (t) => {
  const a = await net.listenUdp('127.0.0.1', 0);
  const closed = new Promise<Error | undefined>((r) => a.onClose(r));
  socketOf(a).close();
  t.equal(await closed, undefined);
  t.ok(a.closed);
  a.close(); // still idempotent
});

t.test('received datagrams are fresh buffers and from is the sender', async (t) => {
  const a = await net.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  const got: Uint8Array[] = [];
  b.onData((d, from) => {
    t.equal(from.port, a.localAddr.port);
    t.equal(from.family, 'IPv4');
    got.push(d);
  });
  a.send(new Uint8Array([1, 2]), b.localAddr);
  a.send(new Uint8Array([3, 4]), b.localAddr);
  t.ok(await until(() => got.length === 2));
  t.not(got[0]!.buffer === got[1]!.buffer && got[0]!.byteOffset === got[1]!.byteOffset, true);
  t.same([...got[0]!, ...got[1]!], [1, 2, 3, 4]);
  a.close();
  b.close();
});

t.test('open sockets are unref()ed: they do not keep a process alive', async (t) => {
  const mod = fileURLToPath(new URL('./udp-conn.ts', import.meta.url));
  const code = `const { udpNet } = await import(${JSON.stringify(mod)});
    const c = await udpNet.listenUdp('127.0.0.1', 0); process.stdout.write('bound ' + c.localAddr.port);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill(), 10_000);
  const exit = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(timer);
  t.match(out, /^bound \d+$/);
  t.equal(exit, 0, 'exited on its own with the socket still open');

  const held = createUdpNet({ unref: false });
  const c = await held.listenUdp('127.0.0.1', 0);
  t.ok(socketOf(c), 'a ref()ed socket can be asked for');
  c.close();
});

t.test('lanes: a steady flow moves to a connected socket on the same port, both ways', async (t) => {
  const lanes = createUdpNet({ lanes: { after: 10 } });
  const a = await lanes.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  t.teardown(() => (a.close(), b.close()));
  const got: { d: number; port: number }[] = [];
  b.onData((d, from) => got.push({ d: d[0]!, port: from.port }));
  const back: number[] = [];
  a.onData((d) => back.push(d[0]!));
  const scratch = new Uint8Array(1200);
  for (let i = 0; i < 10; i++) a.send(scratch.fill(i), b.localAddr);
  t.ok(await until(() => a.stats.lanes?.open === 1), 'a lane opened after 10 sends');
  for (let i = 10; i < 100; i++) a.send(scratch.fill(i), b.localAddr);
  t.ok(await until(() => got.length === 100), 'every datagram arrived');
  t.same(
    got.map((g) => g.d),
    Array.from({ length: 100 }, (_, i) => i),
    'in order, each with its own bytes (the scratch is shared by the lane)',
  );
  t.ok(
    got.every((g) => g.port === a.localAddr.port),
    'the peer sees one source port throughout',
  );
  t.equal(a.stats.lanes?.sends, 90, 'the sends after the lane opened went on it');
  for (let i = 0; i < 5; i++) b.send(new Uint8Array([200 + i]), a.localAddr);
  t.ok(await until(() => back.length === 5), "the peer's datagrams still reach the conn's handler");
  t.same(back, [200, 201, 202, 203, 204]);
  const c = await net.listenUdp('127.0.0.1', 0);
  t.teardown(() => c.close());
  const fromC: number[] = [];
  a.onData((d) => fromC.push(d[0]!));
  c.send(new Uint8Array([7]), a.localAddr);
  t.ok(await until(() => fromC.length === 1), 'other peers still reach the shared socket');
});

t.test('lanes: the port stays exclusive (a second bind fails as without lanes)', async (t) => {
  const lanes = createUdpNet({ lanes: true });
  const a = await lanes.listenUdp('127.0.0.1', 0);
  t.teardown(() => a.close());
  await t.rejects(lanes.listenUdp('127.0.0.1', a.localAddr.port), {
    code: 'TRANSPORT_BIND',
    cause: { code: 'EADDRINUSE' },
  });
  await t.rejects(net.listenUdp('127.0.0.1', a.localAddr.port), { code: 'TRANSPORT_BIND' });
});

t.test('lanes: a peer that goes away fails its lane, not the conn; sends fall back', async (t) => {
  const lanes = createUdpNet({ lanes: { after: 1 } });
  const a = await lanes.listenUdp('127.0.0.1', 0);
  t.teardown(() => a.close());
  const b = await net.listenUdp('127.0.0.1', 0);
  const to = b.localAddr;
  a.send(new Uint8Array([1]), to);
  t.ok(await until(() => a.stats.lanes?.open === 1), 'lane open');
  b.close(); // ICMP port unreachable from now on: ECONNREFUSED on the connected lane
  for (let i = 0; i < 20 && a.stats.lanes?.failed === 0; i++) {
    a.send(new Uint8Array([2]), to);
    await sleep(5);
  }
  t.equal(a.stats.lanes?.failed, 1, 'the lane failed');
  t.equal(a.stats.lanes?.open, 0);
  t.equal(a.closed, false, 'the shared conn is untouched');
  const c = await net.listenUdp('127.0.0.1', 0);
  t.teardown(() => c.close());
  const got: number[] = [];
  c.onData((d) => got.push(d[0]!));
  a.send(new Uint8Array([3]), c.localAddr);
  t.ok(await until(() => got.length === 1), 'the conn still sends');
  t.doesNotThrow(() => a.send(new Uint8Array([4]), to), 'the gone peer is sent to on the shared socket');
});

t.test('lanes: closing the conn closes its lanes', async (t) => {
  const lanes = createUdpNet({ lanes: { after: 1 } });
  const a = await lanes.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  t.teardown(() => b.close());
  a.send(new Uint8Array([1]), b.localAddr);
  t.ok(await until(() => a.stats.lanes?.open === 1));
  const port = a.localAddr.port;
  a.close();
  t.equal(a.stats.lanes?.open, 0);
  await sleep(20);
  const again = await net.listenUdp('127.0.0.1', port);
  t.pass('the port is free again: no lane kept it');
  again.close();
});

t.test('lanes: an idle lane is closed by the sweep, and reopens when the flow resumes', async (t) => {
  const lanes = createUdpNet({ lanes: { after: 2, idleMs: 40 } });
  const a = await lanes.listenUdp('127.0.0.1', 0);
  const b = await net.listenUdp('127.0.0.1', 0);
  t.teardown(() => (a.close(), b.close()));
  a.send(new Uint8Array([1]), b.localAddr);
  a.send(new Uint8Array([2]), b.localAddr);
  t.ok(await until(() => a.stats.lanes?.open === 1), 'open');
  t.ok(await until(() => a.stats.lanes?.open === 0, 500), 'closed after two idle sweeps');
  a.send(new Uint8Array([3]), b.localAddr);
  a.send(new Uint8Array([4]), b.localAddr);
  t.ok(await until(() => a.stats.lanes?.opened === 2), 'a new lane for the resumed flow');
});
