/**
 * DTLS-SRTP end to end (RFC 5764 §4.2): the keying material our DTLS exports, split by the srtp
 * module, protects RTP that werift's SRTP unprotects with the keys werift's own DTLS exported, and
 * the reverse. Two independent DTLS and SRTP stacks agreeing on every key is the evidence that a
 * browser will decrypt the gateway's media.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { CipherContext, DtlsServer, RtpPacket, SrtpSession } from 'werift';
import {
  dtlsClient,
  dtlsServer,
  fingerprint,
  generateCertificate,
  SrtpProfile,
} from '../gateway/webrtc/dtls/index.ts';
import { LoopbackUdpConn, weriftTransport } from '../gateway/webrtc/dtls/test-helpers.ts';
import {
  keyingMaterialLength,
  splitKeyingMaterial,
  SrtpContext,
  srtpProfile,
} from '../gateway/webrtc/srtp/index.ts';
import { addr, createPipe, systemClock } from '../gateway/webrtc/transport/index.ts';

async function bind(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

function rtp(seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, 0x80);
  v.setUint8(1, 96);
  v.setUint16(2, seq);
  v.setUint32(4, seq * 3000);
  v.setUint32(8, 0x11223344);
  out.set(payload, 12);
  return out;
}

for (const profile of [SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80]) {
  t.test(`our DTLS client + srtp <-> werift DTLS server + SRTP (${srtpProfile(profile).name})`, async (t) => {
    const [ourSock, theirSock] = [await bind(), await bind()];
    const ours = await generateCertificate(systemClock);
    const theirs = await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23);
    const tr = weriftTransport(theirSock, ourSock.address().port);
    const server = new DtlsServer({
      transport: tr,
      cert: theirs.certPem,
      key: theirs.keyPem,
      signatureHash: theirs.signatureHash,
      srtpProfiles: [profile],
      certificateRequest: true,
      extendedMasterSecret: true,
    });
    const weriftUp = new Promise<void>((r) => server.onConnect.once(() => r()));
    const client = await dtlsClient(
      new LoopbackUdpConn(ourSock, addr('127.0.0.1', theirSock.address().port)),
      {
        certificate: ours,
        srtpProfiles: [profile],
      },
    );
    await weriftUp;
    t.teardown(() => {
      client.close();
      server.close();
    });
    t.equal(client.selectedSrtpProfile, profile);

    const p = srtpProfile(profile);
    const material = client.exportKeyingMaterial(
      'EXTRACTOR-dtls_srtp',
      undefined,
      keyingMaterialLength(profile),
    );
    const { local, remote } = splitKeyingMaterial(profile, material, 'client');
    const tx = new SrtpContext({ profile, ...local });
    const rx = new SrtpContext({ profile, ...remote });
    const keys = server.extractSessionKeys(p.keyLength, p.saltLength);
    const werift = new SrtpSession({
      profile,
      keys: {
        localMasterKey: keys.localKey,
        localMasterSalt: keys.localSalt,
        remoteMasterKey: keys.remoteKey,
        remoteMasterSalt: keys.remoteSalt,
      },
    });
    for (let i = 0; i < 50; i++) {
      const pkt = rtp(1000 + i, new Uint8Array(100 + i).fill(i));
      t.equal(
        hex(werift.decrypt(Buffer.from(tx.protectRtp(pkt)))),
        hex(pkt),
        `werift decrypts our packet ${i}`,
      );
      const parsed = RtpPacket.deSerialize(Buffer.from(pkt));
      t.equal(
        hex(rx.unprotectRtp(werift.encrypt(parsed.payload, parsed.header))),
        hex(pkt),
        `we decrypt werift's packet ${i}`,
      );
    }
  });
}

t.test(
  'our DTLS client and server over a transport pipe: SRTP keys line up in both directions',
  async (t) => {
    const [a, b] = createPipe();
    const [cc, sc] = [await generateCertificate(systemClock), await generateCertificate(systemClock)];
    const [server, client] = await Promise.all([
      // The server attaches first: a ClientHello sent to nobody would wait for its 1 s retransmission.
      dtlsServer(b, { certificate: sc, remoteFingerprint: fingerprint(cc.der) }),
      dtlsClient(a, { certificate: cc, remoteFingerprint: sc.fingerprint }),
    ]);
    t.teardown(() => client.close());
    const profile = server.selectedSrtpProfile ?? 0;
    const len = keyingMaterialLength(profile);
    const c = splitKeyingMaterial(
      profile,
      client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, len),
      'client',
    );
    const s = splitKeyingMaterial(
      profile,
      server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, len),
      'server',
    );
    const pkt = rtp(7, new Uint8Array(40).fill(7));
    const cTx = new SrtpContext({ profile, ...c.local });
    const cRx = new SrtpContext({ profile, ...c.remote });
    const sTx = new SrtpContext({ profile, ...s.local });
    const sRx = new SrtpContext({ profile, ...s.remote });
    t.equal(hex(sRx.unprotectRtp(cTx.protectRtp(pkt))), hex(pkt), 'client -> server');
    t.equal(hex(cRx.unprotectRtp(sTx.protectRtp(pkt))), hex(pkt), 'server -> client');
  },
);
