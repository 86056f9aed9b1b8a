/**
 * A real TURN/STUN server (coturn's turnserver) on 127.0.0.1, long-term credentials, UDP and TCP on
 * one listening port, relay ports in a small range of its own, loopback peers allowed.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freeUdpPortRange, LOOPBACK } from './ports.ts';
import { spawnReady, type ExitInfo, type ReadyProcess, type Teardown } from './process.ts';

export interface TurnServerOptions {
  user?: string;
  password?: string;
  realm?: string;
  /** How many relay ports (default 32), a free consecutive range below the ephemeral range. */
  relayPorts?: number;
  /** Ready timeout (default 10 s). */
  timeoutMs?: number;
}

export interface TurnServer {
  host: string;
  /** The listening port, UDP and TCP. */
  port: number;
  user: string;
  password: string;
  realm: string;
  /** Relay ports handed out in allocations, inclusive. */
  relay: { min: number; max: number };
  /** `turn:127.0.0.1:PORT?transport=udp` and `…=tcp`. */
  urls: string[];
  /** `stun:127.0.0.1:PORT` */
  stunUrl: string;
  /** Ready for `RTCPeerConnection({ iceServers: [iceServer] })` or werift. */
  iceServer: { urls: string[]; username: string; credential: string };
  process: ReadyProcess<true>;
  stop(): Promise<ExitInfo>;
}

/**
 * Starts `turnserver` (coturn) with the flags of TESTING.md and resolves once it answers a STUN
 * Binding request on UDP (coturn logs nothing reliable when its listeners are up).
 * @example
 * const turn = await startTurnServer(t, { user: 'u', password: 'p', realm: 'test' });
 * new RTCPeerConnection({ iceServers: [turn.iceServer], iceTransportPolicy: 'relay' });
 */
export async function startTurnServer(t?: Teardown, options: TurnServerOptions = {}): Promise<TurnServer> {
  const user = options.user ?? 'user';
  const password = options.password ?? 'password';
  const realm = options.realm ?? 'test';
  const port = await freePort(['tcp', 'udp']);
  const relay = await freeUdpPortRange(options.relayPorts ?? 32);
  // pid file and user DB default to /var/run and /var/lib/turn: keep them in a temp dir of our own
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-turn-'));
  let proc: ReadyProcess<true>;
  try {
    proc = await spawnReady<true>({
      name: 'turnserver',
      command: 'turnserver',
      aptPackage: 'coturn',
      args: [
        '-n',
        `--listening-ip=${LOOPBACK}`,
        `--relay-ip=${LOOPBACK}`,
        `--listening-port=${port}`,
        `--min-port=${relay.min}`,
        `--max-port=${relay.max}`,
        '--lt-cred-mech',
        `--user=${user}:${password}`,
        `--realm=${realm}`,
        '--no-cli',
        '--no-tls',
        '--no-dtls',
        '--allow-loopback-peers',
        '--log-file=stdout',
        '--simple-log',
        `--pidfile=${join(dir, 'turnserver.pid')}`,
        `--userdb=${join(dir, 'turndb')}`,
      ],
      timeoutMs: options.timeoutMs,
      afterExit: () => rm(dir, { recursive: true, force: true }),
      ready: { probe: () => stunBindingAnswered(port), intervalMs: 10 },
      t,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const urls = [`turn:${LOOPBACK}:${port}?transport=udp`, `turn:${LOOPBACK}:${port}?transport=tcp`];
  return {
    host: LOOPBACK,
    port,
    user,
    password,
    realm,
    relay,
    urls,
    stunUrl: `stun:${LOOPBACK}:${port}`,
    iceServer: { urls, username: user, credential: password },
    process: proc,
    stop: () => proc.stop(),
  };
}

/** Sends one STUN Binding request (RFC 8489 §5) and resolves `true` on a matching success response. */
function stunBindingAnswered(port: number, waitMs = 50): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const txid = randomBytes(12);
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), txid]);
    let done = false;
    const finish = (value: true | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timeout);
      socket.close();
      resolve(value);
    };
    const timeout = setTimeout(() => finish(undefined), waitMs);
    timeout.unref();
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(txid))
        finish(true);
    });
    socket.on('error', () => finish(undefined));
    socket.send(request, port, LOOPBACK);
  });
}
