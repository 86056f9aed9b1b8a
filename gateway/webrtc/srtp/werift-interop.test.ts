/**
 * Cross-check against an independent SRTP implementation: werift's (pure TypeScript, per-packet
 * createCipheriv/createHmac). Ours protects, werift unprotects, and the reverse, for both WebRTC
 * profiles, across sequence-number rollover, with CSRCs/extensions, plus SRTCP both ways.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { RtpPacket, SrtcpSession, SrtpSession } from 'werift';
import { SrtpContext } from './srtp-context.ts';
import { SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80, srtpProfile } from './profiles.ts';
import { buildRtcp, buildRtp, toHex } from './test-support.ts';

/** One random master key/salt; werift's session keys and our two contexts all use it. */
function sides(profile: number) {
  const p = srtpProfile(profile);
  const masterKey = randomBytes(p.keyLength);
  const masterSalt = randomBytes(p.saltLength);
  const keys = {
    localMasterKey: masterKey,
    localMasterSalt: masterSalt,
    remoteMasterKey: masterKey,
    remoteMasterSalt: masterSalt,
  };
  return {
    keys,
    ourTx: new SrtpContext({ profile, masterKey, masterSalt }),
    ourRx: new SrtpContext({ profile, masterKey, masterSalt }),
  };
}

for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM] as const) {
  const p = srtpProfile(profile);

  t.test(`${p.name}: ours ⇄ werift, 70 000 RTP packets through a sequence-number wrap`, async (t) => {
    const { keys, ourTx, ourRx } = sides(profile);
    const werift = new SrtpSession({ keys, profile });
    let toWerift = 0;
    let fromWerift = 0;
    const total = 70000;
    for (let i = 0; i < total; i++) {
      const rtp = buildRtp({
        seq: (64000 + i) & 0xffff,
        ssrc: 0x0badcafe,
        timestamp: i * 3000,
        marker: i % 7 === 0,
        csrcs: i % 5 === 0 ? [1, 2] : [],
        payload: randomBytes(1 + (i % 1200)),
      });
      const srtp = ourTx.protectRtp(rtp);
      if (toHex(werift.decrypt(Buffer.from(srtp))) === toHex(rtp)) toWerift++;
      const parsed = RtpPacket.deSerialize(Buffer.from(rtp));
      const theirs = werift.encrypt(parsed.payload, parsed.header);
      if (toHex(ourRx.unprotectRtp(theirs)) === toHex(rtp)) fromWerift++;
    }
    t.equal(toWerift, total, 'werift decrypts every packet we protect (ROC 0 → 1)');
    t.equal(fromWerift, total, 'we decrypt every packet werift protects');
  });

  t.test(`${p.name}: SRTCP ours ⇄ werift`, async (t) => {
    const { keys, ourTx, ourRx } = sides(profile);
    const werift = new SrtcpSession({ keys, profile });
    for (let i = 0; i < 200; i++) {
      const rtcp = buildRtcp(0x01020304, randomBytes(4 * (1 + (i % 30))));
      t.equal(toHex(werift.decrypt(Buffer.from(ourTx.protectRtcp(rtcp)))), toHex(rtcp));
      t.equal(toHex(ourRx.unprotectRtcp(werift.encrypt(Buffer.from(rtcp)))), toHex(rtcp));
    }
  });
}
