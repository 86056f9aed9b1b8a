import t from 'tap';
import { ManualClock, VNet, createDemux, type DatagramConn } from '../gateway/webrtc/transport/index.ts';
import { IceAgent } from '../gateway/webrtc/ice/index.ts';
import { dtlsClient, dtlsServer, generateCertificate, type DtlsConn } from '../gateway/webrtc/dtls/index.ts';
import {
  SrtpContext,
  DTLS_SRTP_EXPORTER_LABEL,
  keyingMaterialLength,
  splitKeyingMaterial,
  type SrtpProfileId,
} from '../gateway/webrtc/srtp/index.ts';

/*
 * Issue 3, deterministically: the whole secure transport (ICE full ↔ lite, DTLS 1.2 over the selected
 * pair, SRTP keyed from the exporter) on the virtual network with 20 % loss, reordering, duplication
 * and jitter, driven by a ManualClock. Several seeds, so no lucky path.
 */
async function settle(clock: ManualClock, done: () => boolean, limitMs: number): Promise<number> {
  const start = clock.now();
  while (!done() && clock.now() - start < limitMs) {
    clock.advance(10);
    // Let promise continuations (DTLS handshake steps, ICE's connected promise) run.
    await new Promise((r) => setImmediate(r));
  }
  return clock.now() - start;
}

for (const seed of [1, 2, 3, 4, 5]) {
  t.test(`seed ${seed}: ICE + DTLS + SRTP under 20 % loss, reordering and duplication`, async (t) => {
    const clock = new ManualClock();
    const vnet = new VNet({
      clock,
      seed,
      defaults: { loss: 0.2, delayMs: 15, jitterMs: 10, duplicate: 0.1, reorder: 0.1, reorderDelayMs: 20 },
    });
    t.teardown(() => vnet.close());
    const browser = await vnet.host('192.168.1.10').listenUdp('0.0.0.0', 50000);
    const gateway = await vnet.host('192.168.1.2').listenUdp('192.168.1.2', 8189);
    const full = new IceAgent({ clock, conn: browser, role: 'controlling' });
    const lite = new IceAgent({ clock, conn: gateway, role: 'controlled', lite: true });
    t.teardown(() => {
      full.close();
      lite.close();
    });
    full.setRemoteCredentials(lite.localCredentials.ufrag, lite.localCredentials.pwd);
    lite.setRemoteCredentials(full.localCredentials.ufrag, full.localCredentials.pwd);
    // Like Chromium with mDNS: the browser's candidates are not signalled; the lite side learns it as prflx.
    for (const c of lite.localCandidates()) full.addRemoteCandidate(c);
    full.addRemoteCandidate(null);
    full.start();
    lite.start();

    let a: DatagramConn | undefined;
    let b: DatagramConn | undefined;
    void full.connected.then((c) => (a = c));
    void lite.connected.then((c) => (b = c));
    const iceMs = await settle(clock, () => a !== undefined && b !== undefined, 30_000);
    t.ok(a && b, `ICE connected in ${iceMs} ms virtual`);
    t.equal(lite.selectedPair?.remote.type, 'prflx', 'the lite side learned the browser as peer-reflexive');

    const [certA, certB] = await Promise.all([generateCertificate(clock), generateCertificate(clock)]);
    const da = createDemux(a!);
    const db = createDemux(b!);
    let client: DtlsConn | undefined;
    let server: DtlsConn | undefined;
    let failure: unknown;
    void dtlsServer(db.dtls, { certificate: certB, clock, remoteFingerprint: certA.fingerprint }).then(
      (c) => (server = c),
      (e: unknown) => (failure = e),
    );
    void dtlsClient(da.dtls, { certificate: certA, clock, remoteFingerprint: certB.fingerprint }).then(
      (c) => (client = c),
      (e: unknown) => (failure = e),
    );
    const dtlsMs = await settle(
      clock,
      () => (client !== undefined && server !== undefined) || failure !== undefined,
      60_000,
    );
    t.equal(failure, undefined, 'no handshake error');
    t.ok(client && server, `DTLS completed in ${dtlsMs} ms virtual`);
    t.comment(`ICE ${iceMs} ms, DTLS ${dtlsMs} ms virtual; vnet so far ${JSON.stringify(vnet.stats)}`);

    const profile = client!.selectedSrtpProfile as SrtpProfileId;
    t.equal(profile, server!.selectedSrtpProfile);
    const len = keyingMaterialLength(profile);
    const km = client!.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, undefined, len);
    t.same(
      km,
      server!.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, undefined, len),
      'same keying material',
    );
    const tx = new SrtpContext({ profile, ...splitKeyingMaterial(profile, km, 'server').local });
    const rx = new SrtpContext({ profile, ...splitKeyingMaterial(profile, km, 'client').remote });

    // SRTP over the lossy path: what arrives unprotects; the loss is the network's, not ours.
    const got: number[] = [];
    let replayed = 0;
    da.rtp.onData((d) => {
      try {
        const p = rx.unprotectRtp(d);
        got.push(new DataView(p.buffer, p.byteOffset).getUint16(2));
      } catch (e) {
        // The network duplicates datagrams; SRTP's replay window (RFC 3711 §3.3.2) must refuse the copies.
        if ((e as { code?: string }).code === 'SRTP_REPLAYED') replayed++;
        else throw e;
      }
    });
    for (let seq = 0; seq < 200; seq++) {
      const p = new Uint8Array(12 + 100);
      p[0] = 0x80;
      p[1] = 96;
      new DataView(p.buffer).setUint16(2, seq);
      new DataView(p.buffer).setUint32(8, 0x1234);
      db.rtp.send(tx.protectRtp(p));
      // Paced like media (a packet every 2 ms), so reordering stays within the 64-packet replay window.
      clock.advance(2);
    }
    await settle(clock, () => false, 500);
    t.ok(got.length > 120 && got.length <= 200, `${got.length} of 200 SRTP packets arrived and unprotected`);
    t.equal(new Set(got).size, got.length, 'no packet accepted twice');
    t.ok(replayed > 0, `${replayed} network duplicates refused by the replay window`);
  });
}
