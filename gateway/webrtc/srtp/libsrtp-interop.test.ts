/**
 * Cross-check against libsrtp 2 (the SRTP library inside Chrome), through GStreamer's srtpenc and
 * srtpdec run as a child process on loopback: we protect and libsrtp unprotects, libsrtp protects
 * and we unprotect, for all four profiles (AES-CM-80, AES-CM-32, AEAD-AES-128-GCM and
 * AEAD-AES-256-GCM, the last two of which werift lacks in part), RTP across a sequence-number wrap
 * and SRTCP. Skipped when gst-launch-1.0 or the srtp plugin is missing (TESTING.md installs them).
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { SrtpContext } from './srtp-context.ts';
import {
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
  SRTP_AES128_CM_HMAC_SHA1_32,
  SRTP_AES128_CM_HMAC_SHA1_80,
  srtpProfile,
} from './profiles.ts';
import { buildRtcp, buildRtp, toHex } from './test-support.ts';

/** A pipeline path let nothing through and rejected nothing: a harness failure (see the retry below). */
class PipelineNotFlowing extends Error {
  constructor() {
    super('GStreamer srtpenc/srtpdec pipeline never started flowing');
  }
}

// libsrtp comes through GStreamer's srtp plugin; without it this test fails loudly, never skips.
if (spawnSync('gst-inspect-1.0', ['srtpenc'], { stdio: 'ignore' }).status !== 0) {
  throw new Error(
    'GStreamer srtpenc not found: run ./setup.sh (or apt-get install gstreamer1.0-plugins-bad)',
  );
}

/** GStreamer's names for a profile's cipher and auth (gstsrtp enums). SRTCP keeps an 80-bit tag
 * under SRTP_AES128_CM_HMAC_SHA1_32 (RFC 5764 §4.1.2). */
const GST: Record<number, { cipher: string; auth: string; rtcpAuth: string }> = {
  [SRTP_AES128_CM_HMAC_SHA1_80]: { cipher: 'aes-128-icm', auth: 'hmac-sha1-80', rtcpAuth: 'hmac-sha1-80' },
  [SRTP_AES128_CM_HMAC_SHA1_32]: { cipher: 'aes-128-icm', auth: 'hmac-sha1-32', rtcpAuth: 'hmac-sha1-80' },
  [SRTP_AEAD_AES_128_GCM]: { cipher: 'aes-128-gcm', auth: 'null', rtcpAuth: 'null' },
  [SRTP_AEAD_AES_256_GCM]: { cipher: 'aes-256-gcm', auth: 'null', rtcpAuth: 'null' },
};

async function bound(): Promise<Socket> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

/** Ports free right now on loopback, for gst's udpsrc (bound, read, released). */
async function freePorts(n: number): Promise<number[]> {
  const socks = await Promise.all(Array.from({ length: n }, bound));
  const ports = socks.map((s) => s.address().port);
  for (const s of socks) s.close();
  return ports;
}

interface Gst {
  proc: ChildProcess;
  /** Where to send SRTP / SRTCP for libsrtp to unprotect, and RTP / RTCP for it to protect. */
  srtpIn: number;
  srtcpIn: number;
  rtpIn: number;
  rtcpIn: number;
  /** Where libsrtp's output arrives: unprotected RTP/RTCP, protected SRTP/SRTCP. */
  rtpOut: Socket;
  rtcpOut: Socket;
  srtpOut: Socket;
  srtcpOut: Socket;
}

async function startGst(profile: number, key: Uint8Array, ssrc: number): Promise<Gst> {
  const { cipher, auth, rtcpAuth } = GST[profile] as { cipher: string; auth: string; rtcpAuth: string };
  const [srtpIn, srtcpIn, rtpIn, rtcpIn] = (await freePorts(4)) as [number, number, number, number];
  const [rtpOut, rtcpOut, srtpOut, srtcpOut] = await Promise.all([bound(), bound(), bound(), bound()]);
  const keyFields =
    `ssrc=(uint)${ssrc}, srtp-key=(buffer)${toHex(key)}, srtp-cipher=(string)${cipher}, srtp-auth=(string)${auth}, ` +
    `srtcp-cipher=(string)${cipher}, srtcp-auth=(string)${rtcpAuth}`;
  const sink = (s: Socket) => [
    '!',
    'udpsink',
    'host=127.0.0.1',
    `port=${s.address().port}`,
    'sync=false',
    'async=false',
  ];
  const src = (port: number, caps: string) => [
    'udpsrc',
    'address=127.0.0.1',
    `port=${port}`,
    'buffer-size=4194304',
    `caps=${caps}`,
    '!',
  ];
  const args = [
    ...['srtpdec', 'name=d'],
    ...src(srtpIn, `application/x-srtp, payload=(int)96, ${keyFields}`),
    ...['d.rtp_sink', 'd.rtp_src', ...sink(rtpOut)],
    ...src(srtcpIn, `application/x-srtcp, ${keyFields}`),
    ...['d.rtcp_sink', 'd.rtcp_src', ...sink(rtcpOut)],
    ...['srtpenc', 'name=e', `key=${toHex(key)}`, `rtp-cipher=${cipher}`, `rtp-auth=${auth}`],
    ...[`rtcp-cipher=${cipher}`, `rtcp-auth=${rtcpAuth}`],
    ...src(rtpIn, 'application/x-rtp'),
    ...['e.rtp_sink_0', 'e.rtp_src_0', ...sink(srtpOut)],
    ...src(rtcpIn, 'application/x-rtcp'),
    ...['e.rtcp_sink_0', 'e.rtcp_src_0', ...sink(srtcpOut)],
  ];
  const proc = spawn('gst-launch-1.0', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const gst: Gst = { proc, srtpIn, srtcpIn, rtpIn, rtcpIn, rtpOut, rtcpOut, srtpOut, srtcpOut };
  // Ready once the pipeline is PLAYING ("New clock"): udpsrc sockets are bound before that.
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`gst-launch not ready: ${out}`)), 15000);
      timer.unref();
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('New clock')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gst-launch exited ${code}: ${out}`));
      });
    });
  } catch (e) {
    await stopGst(gst);
    throw e;
  }
  return gst;
}

async function stopGst(g: Gst): Promise<void> {
  for (const s of [g.rtpOut, g.rtcpOut, g.srtpOut, g.srtcpOut]) s.close();
  if (g.proc.exitCode === null && g.proc.signalCode === null) {
    const exited = once(g.proc, 'exit');
    g.proc.kill('SIGTERM');
    await exited;
  }
}

/** Wait until cond() or the deadline; returns cond(). */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; !cond() && waited < ms; waited += 5) await sleep(5);
  return cond();
}

for (const profile of [
  SRTP_AES128_CM_HMAC_SHA1_80,
  SRTP_AES128_CM_HMAC_SHA1_32,
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
]) {
  const p = srtpProfile(profile);
  t.test(`${p.name}: ours ⇄ libsrtp (GStreamer srtpenc/srtpdec)`, async (t) => {
    // A GStreamer pipeline whose srtpdec/srtpenc never lets the first packet through (seen about
    // once in ten runs: a path where nothing comes back and nothing is rejected) is a harness failure,
    // not a verdict: such a run throws PipelineNotFlowing before any assertion and gets one retry.
    for (let run = 0; ; run++) {
      try {
        return await exchange(t);
      } catch (e) {
        if (!(e instanceof PipelineNotFlowing) || run >= 1) throw e;
        t.comment('the GStreamer pipeline never started flowing; retrying once with a fresh one');
      }
    }
  });

  async function exchange(t: Test): Promise<void> {
    const ssrc = 0x12345678;
    const masterKey = randomBytes(p.keyLength);
    const masterSalt = randomBytes(p.saltLength);
    const ours = new SrtpContext({ profile, masterKey, masterSalt });
    const oursRx = new SrtpContext({ profile, masterKey, masterSalt });
    const gst = await startGst(profile, Buffer.concat([masterKey, masterSalt]), ssrc);
    t.teardown(() => stopGst(gst));
    const tx = await bound();
    t.teardown(() => tx.close());

    const rtpBySeq = new Map<number, string>();
    const rtcpSent = new Set<string>();
    const result = {
      libsrtpDecrypted: 0,
      weDecrypted: 0,
      libsrtcpDecrypted: 0,
      weDecryptedRtcp: 0,
      bad: 0,
    };
    const errors: string[] = [];
    /** Count a datagram as `key` if check() holds, else as bad; a handler never throws. */
    const on = (
      s: Socket,
      key: 'libsrtpDecrypted' | 'weDecrypted' | 'libsrtcpDecrypted' | 'weDecryptedRtcp',
      check: (m: Buffer) => boolean,
    ) =>
      s.on('message', (m: Buffer) => {
        try {
          if (check(m)) result[key]++;
          else result.bad++;
        } catch (e) {
          result.bad++;
          errors.push(String(e));
        }
      });
    on(gst.rtpOut, 'libsrtpDecrypted', (m) => rtpBySeq.get(m.readUInt16BE(2)) === toHex(m));
    on(gst.srtpOut, 'weDecrypted', (m) => {
      const rtp = oursRx.unprotectRtp(m);
      return rtpBySeq.get(Buffer.from(rtp).readUInt16BE(2)) === toHex(rtp);
    });
    on(gst.rtcpOut, 'libsrtcpDecrypted', (m) => rtcpSent.has(toHex(m)));
    on(gst.srtcpOut, 'weDecryptedRtcp', (m) => rtcpSent.has(toHex(oursRx.unprotectRtcp(m))));

    const packets = 400;
    const sendRtcp = () => {
      const rtcp = buildRtcp(ssrc, randomBytes(24));
      rtcpSent.add(toHex(rtcp));
      const srtcp = ours.protectRtcp(rtcp);
      tx.send(srtcp, gst.srtcpIn, '127.0.0.1');
      tx.send(rtcp, gst.rtcpIn, '127.0.0.1');
      return { rtcp, srtcp };
    };
    for (let i = 0; i < packets; i++) {
      const rtp = buildRtp({
        seq: (65400 + i) & 0xffff, // ROC 0 → 1 after 136 packets
        ssrc,
        timestamp: i * 3000,
        csrcs: i % 3 === 0 ? [7] : [],
        extension: i % 4 === 0 ? randomBytes(8) : undefined,
        payload: randomBytes(1 + ((i * 37) % 1100)),
      });
      rtpBySeq.set((65400 + i) & 0xffff, toHex(rtp));
      const srtp = ours.protectRtp(rtp);
      tx.send(srtp, gst.srtpIn, '127.0.0.1');
      tx.send(rtp, gst.rtpIn, '127.0.0.1');
      if (i === 0) {
        // GStreamer sets the SSRC up on srtpdec/srtpenc's RTP and RTCP paths from each path's
        // caps, in its own thread, and may drop a first packet that races that set-up. Resend
        // (the same bytes) only what has not come back, until the stream flows.
        const first = sendRtcp();
        for (let attempt = 0; attempt < 5; attempt++) {
          const flowing = await until(
            () =>
              result.libsrtpDecrypted >= 1 &&
              result.weDecrypted >= 1 &&
              result.libsrtcpDecrypted >= 1 &&
              result.weDecryptedRtcp >= 1,
            3000,
          );
          if (flowing) break;
          if (result.libsrtpDecrypted === 0) tx.send(srtp, gst.srtpIn, '127.0.0.1');
          if (result.weDecrypted === 0) tx.send(rtp, gst.rtpIn, '127.0.0.1');
          if (result.libsrtcpDecrypted === 0) tx.send(first.srtcp, gst.srtcpIn, '127.0.0.1');
          if (result.weDecryptedRtcp === 0) tx.send(first.rtcp, gst.rtcpIn, '127.0.0.1');
        }
        const stuck = [
          result.libsrtpDecrypted,
          result.weDecrypted,
          result.libsrtcpDecrypted,
          result.weDecryptedRtcp,
        ];
        if (stuck.includes(0) && result.bad === 0 && errors.length === 0) {
          throw new PipelineNotFlowing();
        }
      } else if (i % 10 === 0) {
        sendRtcp();
        // Flow control: wait for this batch to come back before sending more, so that a loaded
        // machine's UDP buffers cannot drop packets and only a rejection leaves one missing.
        const sent = i + 1;
        const rtcps = rtcpSent.size;
        const caughtUp = await until(
          () =>
            result.libsrtpDecrypted >= sent &&
            result.weDecrypted >= sent &&
            result.libsrtcpDecrypted >= rtcps &&
            result.weDecryptedRtcp >= rtcps,
          5000,
        );
        if (!caughtUp) break; // the counts below say what went missing
      }
    }
    const rtcps = rtcpSent.size;
    await until(
      () =>
        result.libsrtpDecrypted + result.weDecrypted >= 2 * packets &&
        result.libsrtcpDecrypted + result.weDecryptedRtcp >= 2 * rtcps,
      10000,
    );
    t.comment(`sent ${packets} RTP / ${rtcps} RTCP each way; received ${JSON.stringify(result)}`);
    t.same(errors, [], 'no packet failed to unprotect');
    t.equal(result.bad, 0, 'no packet came back different');
    t.equal(result.libsrtpDecrypted, packets, 'libsrtp unprotects every SRTP packet we protect');
    t.equal(result.weDecrypted, packets, 'we unprotect every SRTP packet libsrtp protects');
    t.equal(result.libsrtcpDecrypted, rtcps, 'libsrtp unprotects our SRTCP');
    t.equal(result.weDecryptedRtcp, rtcps, 'we unprotect libsrtp SRTCP');
  }
}
