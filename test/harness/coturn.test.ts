import t from 'tap';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { startTurnServer } from './coturn.ts';
import type { Teardown } from './process.ts';

// STUN header (RFC 8489 §5): type(2) length(2) magic cookie 0x2112A442(4) transaction id(12)
const MAGIC = 0x2112a442;

function header(type: number, length: number, txid: Buffer): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(type, 0);
  b.writeUInt16BE(length, 2);
  b.writeUInt32BE(MAGIC, 4);
  txid.copy(b, 8);
  return b;
}

function attr(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function attrs(msg: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let o = 20; o + 4 <= msg.length;) {
    const type = msg.readUInt16BE(o);
    const len = msg.readUInt16BE(o + 2);
    out.set(type, msg.subarray(o + 4, o + 4 + len));
    o += 4 + Math.ceil(len / 4) * 4;
  }
  return out;
}

/** XOR-MAPPED-ADDRESS / XOR-RELAYED-ADDRESS, IPv4 (RFC 8489 §14.2). */
function xorAddress(v: Buffer): { ip: string; port: number } {
  const port = v.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = (v.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { ip: [24, 16, 8, 0].map((s) => (ip >>> s) & 0xff).join('.'), port };
}

function exchange(socket: Socket, port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no STUN response')), 2000);
    socket.once('message', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
    socket.send(request, port, '127.0.0.1');
  });
}

async function udpSocket(t: Teardown): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.teardown(() => socket.close());
  return socket;
}

t.test('coturn answers a STUN Binding request on UDP with our address', async (t) => {
  const turn = await startTurnServer(t, { user: 'u', password: 'p', realm: 'test' });
  t.comment(`turnserver ready in ${turn.process.readyMs} ms on port ${turn.port}`);
  t.same(turn.urls, [
    `turn:127.0.0.1:${turn.port}?transport=udp`,
    `turn:127.0.0.1:${turn.port}?transport=tcp`,
  ]);
  const socket = await udpSocket(t);

  const txid = randomBytes(12);
  const response = await exchange(socket, turn.port, header(0x0001, 0, txid));
  t.equal(response.readUInt16BE(0), 0x0101, 'Binding success response');
  t.equal(response.readUInt32BE(4), MAGIC);
  t.ok(response.subarray(8, 20).equals(txid), 'same transaction id');
  const mapped = attrs(response).get(0x0020);
  t.ok(mapped, 'XOR-MAPPED-ADDRESS present');
  t.same(xorAddress(mapped!), { ip: '127.0.0.1', port: socket.address().port });
});

t.test('coturn allocates a relay in our port range with the long-term credentials', async (t) => {
  const turn = await startTurnServer(t, { user: 'alice', password: 'wonder', realm: 'edge', relayPorts: 8 });
  const socket = await udpSocket(t);
  const transport = attr(0x0019, Buffer.from([17, 0, 0, 0])); // REQUESTED-TRANSPORT: UDP

  // RFC 8656 §7.2: the first Allocate gets 401 with REALM and NONCE
  const first = await exchange(
    socket,
    turn.port,
    Buffer.concat([header(0x0003, 8, randomBytes(12)), transport]),
  );
  t.equal(first.readUInt16BE(0), 0x0113, 'Allocate error response');
  const a = attrs(first);
  t.equal(a.get(0x0009)?.readUInt16BE(2), 0x0401, 'ERROR-CODE 401');
  t.equal(a.get(0x0014)?.toString(), 'edge', 'our realm');
  const nonce = a.get(0x0015);
  t.ok(nonce, 'NONCE present');

  // Retry with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY (key = MD5(user:realm:pass), RFC 8489 §9.2.2)
  const body = Buffer.concat([
    transport,
    attr(0x0006, Buffer.from('alice')),
    attr(0x0014, Buffer.from('edge')),
    attr(0x0015, nonce!),
  ]);
  const txid = randomBytes(12);
  const signed = Buffer.concat([header(0x0003, body.length + 24, txid), body]);
  const key = createHash('md5').update('alice:edge:wonder').digest();
  const mac = createHmac('sha1', key).update(signed).digest();
  const response = await exchange(socket, turn.port, Buffer.concat([signed, attr(0x0008, mac)]));
  t.equal(response.readUInt16BE(0), 0x0103, 'Allocate success response');
  const relayed = attrs(response).get(0x0016);
  t.ok(relayed, 'XOR-RELAYED-ADDRESS present');
  const { ip, port } = xorAddress(relayed!);
  t.equal(ip, '127.0.0.1');
  t.ok(
    port >= turn.relay.min && port <= turn.relay.max,
    `relay port ${port} in ${turn.relay.min}-${turn.relay.max}`,
  );

  const exit = await turn.stop();
  t.not(exit.signal, 'SIGKILL', 'stopped by SIGTERM');
  t.comment(`turnserver stopped in ${exit.ms} ms`);
});
