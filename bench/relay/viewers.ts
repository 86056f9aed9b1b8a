/**
 * Load generator for bench/relay.ts, run in its own process (child_process.fork) so its CPU is not
 * the relay's. Each viewer is our own stack on the client side: a UDP socket on 127.0.0.1, a full
 * controlling IceAgent, DTLS (client or server as the answer's a=setup says, RFC 5763 §5), SRTP keyed
 * from the exporter (RFC 5764 §4.2); it signals over real HTTP WHEP (POST application/sdp → 201) and
 * then counts — and, unless told not to, SRTP-unprotects (authenticates and decrypts) — every packet.
 *
 * IPC: parent → {type:'open', url, count, unprotect} | {type:'stats'} | {type:'close'};
 * child → {type:'opened', ok, failed, ms, errors} | {type:'stats', ...} | {type:'closed'}.
 */
import {
  createDemux,
  systemClock,
  udpNet,
  type DatagramConn,
  type UdpConn,
} from '../../gateway/webrtc/transport/index.ts';
import { IceAgent, generateCredentials } from '../../gateway/webrtc/ice/index.ts';
import {
  dtlsClient,
  dtlsServer,
  generateCertificate,
  type DtlsCertificate,
  type DtlsConn,
} from '../../gateway/webrtc/dtls/index.ts';
import {
  SrtpContext,
  DTLS_SRTP_EXPORTER_LABEL,
  keyingMaterialLength,
  splitKeyingMaterial,
  type SrtpProfileId,
} from '../../gateway/webrtc/srtp/index.ts';
import { parseRemoteDescription } from '../../gateway/webrtc/sdp/index.ts';

export type ToViewers =
  { type: 'open'; url: string; count: number; unprotect: boolean } | { type: 'stats' } | { type: 'close' };

export interface ViewerStats {
  type: 'stats';
  viewers: number;
  rtp: number;
  rtcp: number;
  bytes: number;
  unprotected: number;
  unprotectFailed: number;
  /** This process's CPU (user+system, µs) so far. */
  cpuMicros: number;
}

export type FromViewers =
  | {
      type: 'opened';
      ok: number;
      failed: number;
      ms: number;
      errors: string[];
      ports: number[];
      /** Viewers retried so far in this process (see openWithRetry). */
      retries: number;
    }
  | ViewerStats
  | { type: 'closed' };

interface Viewer {
  conn: UdpConn;
  ice: IceAgent | undefined;
  dtls: DtlsConn | undefined;
  rx: SrtpContext | undefined;
  location: string | undefined;
}

const totals = { rtp: 0, rtcp: 0, bytes: 0, unprotected: 0, unprotectFailed: 0 };
const viewers: Viewer[] = [];
let certificate: DtlsCertificate | undefined;

/** A recvonly H.264 offer with what gateway/webrtc/sdp/parse.ts and werift require. */
export function viewerOffer(o: { ufrag: string; pwd: string; fingerprint: string; port: number }): string {
  const [alg, fp] = o.fingerprint.split(' ') as [string, string];
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    'm=video 9 UDP/TLS/RTP/SAVPF 102',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${o.ufrag}`,
    `a=ice-pwd:${o.pwd}`,
    `a=fingerprint:${alg} ${fp}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=recvonly',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:102 H264/90000',
    'a=rtcp-fb:102 nack',
    'a=rtcp-fb:102 nack pli',
    'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    `a=candidate:1 1 udp 2130706431 127.0.0.1 ${o.port} typ host`,
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

async function openViewer(url: string, unprotect: boolean): Promise<void> {
  const cert = (certificate ??= await generateCertificate(systemClock));
  const conn = await udpNet.listenUdp('127.0.0.1', 0);
  const { ufrag, pwd } = generateCredentials();
  const v: Viewer = { conn, ice: undefined, dtls: undefined, rx: undefined, location: undefined };
  viewers.push(v);
  const offer = viewerOffer({ ufrag, pwd, fingerprint: cert.fingerprint, port: conn.localAddr.port });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: offer,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`WHEP POST ${res.status}: ${text.slice(0, 200)}`);
  v.location = new URL(res.headers.get('location') ?? '', url).href;
  const answer = parseRemoteDescription(text);
  // The agent exists only once we know the answer. A full answerer (werift) checks the offer's
  // candidate at once; had we answered those checks before reading the answer, werift went connected
  // and sent its DTLS ClientHello while our agent did not know its address yet: the agent drops such
  // data, and werift did not retransmit the ClientHello within 30 s. Unanswered, werift retransmits
  // its checks until we are ready.
  const ice = new IceAgent({
    clock: systemClock,
    conn,
    role: 'controlling',
    localUfrag: ufrag,
    localPwd: pwd,
  });
  v.ice = ice;
  ice.setRemoteCredentials(answer.iceUfrag, answer.icePwd);
  for (const c of answer.candidates) {
    if (c.ip !== '127.0.0.1' || c.transport.toLowerCase() !== 'udp') continue;
    ice.addRemoteCandidate(
      `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`,
    );
  }
  ice.addRemoteCandidate(null);
  ice.start();
  const iceConn: DatagramConn = await ice.connected;
  const demux = createDemux(iceConn);
  const opts = {
    certificate: cert,
    clock: systemClock,
    remoteFingerprint: `${answer.fingerprint.algorithm} ${answer.fingerprint.value}`,
    handshakeTimeoutMs: 5000,
  };
  // RFC 5763 §5: we offered actpass; a passive answerer makes us the DTLS client.
  const role = answer.setup === 'active' ? 'server' : 'client';
  const dtls = await (role === 'client' ? dtlsClient(demux.dtls, opts) : dtlsServer(demux.dtls, opts));
  v.dtls = dtls;
  const profile = dtls.selectedSrtpProfile as SrtpProfileId;
  const km = dtls.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, undefined, keyingMaterialLength(profile));
  const rx = new SrtpContext({ profile, ...splitKeyingMaterial(profile, km, role).remote });
  v.rx = rx;
  demux.rtp.onData((d) => {
    totals.bytes += d.byteLength;
    const pt = (d[1] ?? 0) & 0x7f;
    if (pt >= 64 && pt <= 95) {
      totals.rtcp++;
      return;
    }
    totals.rtp++;
    if (!unprotect) return;
    try {
      rx.unprotectRtp(d);
      totals.unprotected++;
    } catch {
      totals.unprotectFailed++;
    }
  });
}

function closeViewer(v: Viewer): void {
  v.dtls?.close();
  v.ice?.close();
  v.rx?.close();
  v.conn.close();
}

let retries = 0;

/**
 * werift's answerer sometimes never sends its DTLS ClientHello (its ICE side stalls; seen on a loaded
 * machine, 0-25 % of viewers): such a viewer is closed, its WHEP session deleted, and it tries again.
 */
async function openWithRetry(url: string, unprotect: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const mark = viewers.length;
    try {
      await openViewer(url, unprotect);
      return;
    } catch (err) {
      const v = viewers.find((x, i) => i >= mark && x.rx === undefined);
      if (v) {
        viewers.splice(viewers.indexOf(v), 1);
        closeViewer(v);
        if (v.location) await fetch(v.location, { method: 'DELETE' }).catch(() => undefined);
      }
      if (attempt >= 2) throw err;
      retries++;
    }
  }
}

async function open(url: string, count: number, unprotect: boolean): Promise<FromViewers> {
  const t0 = performance.now();
  let ok = 0;
  let failed = 0;
  const errors: string[] = [];
  // A few at a time: each handshake costs the relay an ECDHE and a signature.
  const batch = 8;
  for (let i = 0; i < count; i += batch) {
    const rs = await Promise.allSettled(
      Array.from({ length: Math.min(batch, count - i) }, () => openWithRetry(url, unprotect)),
    );
    for (const r of rs) {
      if (r.status === 'fulfilled') ok++;
      else {
        failed++;
        if (errors.length < 5) errors.push(String((r.reason as Error).message ?? r.reason));
      }
    }
  }
  const ports = viewers.map((v) => v.conn.localAddr.port);
  return { type: 'opened', ok, failed, ms: Math.round(performance.now() - t0), errors, ports, retries };
}

function closeAll(): void {
  for (const v of viewers.splice(0)) closeViewer(v);
}

function stats(): ViewerStats {
  const c = process.cpuUsage();
  return { type: 'stats', viewers: viewers.length, ...totals, cpuMicros: c.user + c.system };
}

process.on('message', (m: ToViewers) => {
  const reply = (r: FromViewers) => process.send?.(r);
  if (m.type === 'open') void open(m.url, m.count, m.unprotect).then(reply);
  else if (m.type === 'stats') reply(stats());
  else if (m.type === 'close') {
    closeAll();
    reply({ type: 'closed' });
  }
});
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
