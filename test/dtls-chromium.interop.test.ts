/**
 * Our DTLS against Chromium's (BoringSSL), both roles, over our ICE-lite agent on loopback UDP.
 * Chromium offers audio + a data channel (BUNDLE); we answer by hand. The verdict is Chromium's own
 * getStats(): transport dtlsState "connected", the DTLS 1.2 cipher and SRTP cipher it negotiated
 * with us, and the certificate fingerprint it saw, plus both sides agreeing on the fingerprints.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { dtlsClient, dtlsServer, fingerprint, generateCertificate } from '../gateway/webrtc/dtls/index.ts';
import { formatCandidate, IceAgent } from '../gateway/webrtc/ice/index.ts';
import { createUdpNet, systemClock } from '../gateway/webrtc/transport/index.ts';
import { launchBrowser, pageConsole } from './harness/browser.ts';

const udpNet = createUdpNet({ unref: false });

/** The page's RTCPeerConnection, typed just as far as this test uses it (no DOM lib here). */
interface PagePc {
  addTransceiver(kind: string, init: { direction: string }): unknown;
  createDataChannel(label: string): unknown;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(d: { type: string; sdp?: string }): Promise<void>;
  setRemoteDescription(d: { type: string; sdp: string }): Promise<void>;
  getStats(): Promise<{ forEach(cb: (s: Record<string, unknown> & { id: string }) => void): void }>;
}
type PageGlobal = { pc: PagePc; RTCPeerConnection: new () => PagePc };

function attr(sdp: string, name: string): string {
  const m = new RegExp(`^a=${name}:(.+)$`, 'm').exec(sdp);
  if (!m?.[1]) throw new Error(`offer has no a=${name}`);
  return m[1].trim();
}

interface ChromeTransport {
  dtlsState?: string;
  dtlsCipher?: string;
  srtpCipher?: string;
  tlsVersion?: string;
  dtlsRole?: string;
  localFingerprint?: string;
  remoteFingerprint?: string;
}

async function chromeTransport(page: Page): Promise<ChromeTransport> {
  return page.evaluate(async () => {
    const pc = (globalThis as unknown as PageGlobal).pc;
    const r = await pc.getStats();
    const all: Record<string, Record<string, unknown>> = {};
    r.forEach((s: Record<string, unknown> & { id: string }) => (all[s.id] = s));
    const tr = Object.values(all).find((s) => s.type === 'transport');
    if (!tr) return {};
    return {
      dtlsState: tr.dtlsState as string,
      dtlsCipher: tr.dtlsCipher as string,
      srtpCipher: tr.srtpCipher as string,
      tlsVersion: tr.tlsVersion as string,
      dtlsRole: tr.dtlsRole as string,
      localFingerprint: all[String(tr.localCertificateId)]?.fingerprint as string | undefined,
      remoteFingerprint: all[String(tr.remoteCertificateId)]?.fingerprint as string | undefined,
    };
  });
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || performance.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const browser = await launchBrowser(t);

for (const ourRole of ['server', 'client'] as const) {
  t.test(
    `Chromium DTLS ${ourRole === 'server' ? 'client -> our server' : 'server <- our client'}`,
    async (t) => {
      const page = await browser.newPage(t);
      const offer = await page.evaluate(async () => {
        const g = globalThis as unknown as PageGlobal;
        const pc = new g.RTCPeerConnection();
        g.pc = pc;
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.createDataChannel('probe');
        const o = await pc.createOffer();
        await pc.setLocalDescription(o);
        return o.sdp ?? '';
      });
      const remoteFp = attr(offer, 'fingerprint');
      const cert = await generateCertificate(systemClock);
      const conn = await udpNet.listenUdp('127.0.0.1', 0);
      const agent = new IceAgent({ clock: systemClock, conn, role: 'controlled', lite: true });
      t.teardown(() => agent.close());
      agent.setRemoteCredentials(attr(offer, 'ice-ufrag'), attr(offer, 'ice-pwd'));
      agent.addRemoteCandidate(null);
      agent.start();
      const { ufrag, pwd } = agent.localCredentials;
      const cand = agent.localCandidates().map((c) => `a=${formatCandidate(c)}`);
      const common = [
        'c=IN IP4 0.0.0.0',
        `a=ice-ufrag:${ufrag}`,
        `a=ice-pwd:${pwd}`,
        `a=fingerprint:${cert.fingerprint}`,
        // passive: Chromium (the offerer, actpass) becomes the DTLS client; active: we are.
        `a=setup:${ourRole === 'server' ? 'passive' : 'active'}`,
        ...cand,
        'a=end-of-candidates',
      ];
      const answer = [
        'v=0',
        'o=- 1 1 IN IP4 127.0.0.1',
        's=-',
        't=0 0',
        'a=group:BUNDLE 0 1',
        'a=ice-lite',
        'm=audio 9 UDP/TLS/RTP/SAVPF 111',
        ...common,
        'a=mid:0',
        'a=sendonly',
        'a=rtcp-mux',
        'a=rtpmap:111 opus/48000/2',
        'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
        ...common,
        'a=mid:1',
        'a=sctp-port:5000',
        '',
      ].join('\r\n');
      await page.evaluate(
        (sdp) =>
          (globalThis as unknown as PageGlobal).pc.setRemoteDescription({
            type: 'answer',
            sdp,
          }),
        answer,
      );
      const iceConn = await agent.connected;
      const seen: Record<string, unknown>[] = [];
      const logger = { debug: (o: Record<string, unknown>) => void seen.push(o), warn: () => undefined };
      const opts = { certificate: cert, remoteFingerprint: remoteFp, handshakeTimeoutMs: 10_000, logger };
      const t0 = performance.now();
      const dtls = await (ourRole === 'server' ? dtlsServer(iceConn, opts) : dtlsClient(iceConn, opts));
      t.comment(
        `DTLS with Chromium (we are ${ourRole}) in ${(performance.now() - t0).toFixed(1)} ms: ${dtls.cipherSuite}, group ${dtls.namedGroup}, SRTP 0x${dtls.selectedSrtpProfile?.toString(16)}`,
      );
      t.teardown(() => dtls.close());
      const st = await until(
        () => chromeTransport(page),
        (s) => s.dtlsState === 'connected',
      );
      t.equal(st.dtlsState, 'connected', pageConsole(page).join('\n'));
      t.equal(st.tlsVersion, 'FEFD', 'DTLS 1.2');
      t.equal(st.dtlsCipher, dtls.cipherSuite, 'same cipher suite on both sides');
      // The DTLS server picks the SRTP profile: ours prefers AEAD_AES_128_GCM, Chromium's AES_CM.
      const srtpNames: Record<number, string> = {
        1: 'SRTP_AES128_CM_HMAC_SHA1_80',
        7: 'SRTP_AEAD_AES_128_GCM',
      };
      t.equal(st.srtpCipher, srtpNames[dtls.selectedSrtpProfile ?? 0], 'same SRTP profile on both sides');
      if (ourRole === 'server') t.equal(dtls.selectedSrtpProfile, 0x0007);
      if (st.dtlsRole) t.equal(st.dtlsRole, ourRole === 'server' ? 'client' : 'server');
      t.equal(dtls.remoteFingerprint, remoteFp.replace(/^sha-256/i, 'sha-256'));
      if (st.remoteFingerprint) t.equal(st.remoteFingerprint.toUpperCase(), cert.fingerprint.split(' ')[1]);
      t.ok(dtls.extendedMasterSecret, 'extended master secret with Chromium');
      if (ourRole === 'server') {
        // Chromium 156 offers DTLS 1.3 (supported_versions fefc, fefd) with an X25519MLKEM768 key
        // share: a ClientHello over 1200 bytes, fragmented, that must still negotiate 1.2.
        const hello = seen.find((o) => 'helloBytes' in o);
        t.comment(`Chromium ClientHello: ${JSON.stringify(hello)}`);
        t.ok(hello, 'ClientHello logged');
      }
      t.equal(fingerprint(dtls.remoteCertificate ?? new Uint8Array(0)), dtls.remoteFingerprint);
    },
  );
}
