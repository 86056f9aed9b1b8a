import t from 'tap';
import { AesGcmTransform } from './transform-aes-gcm.ts';
import type { SrtpSessionKeys } from './key-derivation.ts';
import { srtpProfile, SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM } from './profiles.ts';
import { RtpStreamState } from './stream-state.ts';
import { SrtpAuthError } from './errors.ts';
import { hex, loadVectors } from './test-support.ts';

interface SrtpVectors {
  salt: string;
  ssrc: string;
  roc: string;
  seq: string;
  vectors: {
    section: string;
    profile: string;
    key: string;
    plaintextPacket?: string;
    protectedPacket: string;
    decryptedPayload?: string;
  }[];
}
interface SrtcpVectors {
  salt: string;
  ssrc: string;
  srtcpIndex: string;
  vectors: {
    section: string;
    profile: string;
    encrypted: boolean;
    key: string;
    rtcpPacket: string;
    srtcpPacket: string;
  }[];
}

/** RFC 7714 gives session keys, so the transform is keyed directly (no KDF). */
function transform(profile: string, key: string, salt: string): AesGcmTransform {
  const id = profile === 'AEAD_AES_256_GCM' ? SRTP_AEAD_AES_256_GCM : SRTP_AEAD_AES_128_GCM;
  const k = hex(key);
  const s = hex(salt);
  const keys: SrtpSessionKeys = {
    rtpKey: k,
    rtpSalt: s,
    rtpAuthKey: new Uint8Array(0),
    rtcpKey: k,
    rtcpSalt: s,
    rtcpAuthKey: new Uint8Array(0),
  };
  return new AesGcmTransform(srtpProfile(id), keys);
}

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

t.test('RFC 7714 §16: SRTP AEAD_AES_128_GCM / 256_GCM encryption and decryption', async (t) => {
  const v = loadVectors<SrtpVectors>('rfc7714/srtp-aead.json');
  const ssrc = parseInt(v.ssrc, 16);
  const index = parseInt(v.roc, 16) * 65536 + parseInt(v.seq, 16);
  t.equal(v.vectors.length, 4);
  for (const x of v.vectors) {
    const tr = transform(x.profile, x.key, v.salt);
    const prot = hex(x.protectedPacket);
    if (x.plaintextPacket !== undefined) {
      const plain = hex(x.plaintextPacket);
      const out = new Uint8Array(plain.length + 16);
      const n = tr.protectRtp(plain, null, plain.length, 12, new RtpStreamState(ssrc, 0, 0, 0), index, out);
      t.equal(toHex(out.subarray(0, n)), toHex(prot), x.section);
      // The same packet as header + payload parts.
      const parts = new Uint8Array(plain.length + 16);
      const m = tr.protectRtp(
        plain.subarray(0, 12),
        plain.subarray(12),
        plain.length,
        12,
        new RtpStreamState(ssrc, 0, 0, 0),
        index,
        parts,
      );
      t.equal(toHex(parts.subarray(0, m)), toHex(prot), `${x.section} (header + payload parts)`);
    }
    if (x.decryptedPayload !== undefined) {
      const out = new Uint8Array(prot.length);
      const n = tr.unprotectRtp(prot, prot.length - 16, 12, ssrc, null, index, out);
      t.equal(toHex(out.subarray(12, n)), toHex(hex(x.decryptedPayload)), x.section);
      t.equal(toHex(out.subarray(0, 12)), toHex(prot.subarray(0, 12)), `${x.section}: header unchanged`);
      // Each of: header byte, ciphertext byte, tag byte flipped → SRTP_AUTH_FAILED.
      for (const at of [3, 20, prot.length - 1]) {
        const bad = Uint8Array.from(prot);
        bad[at] = (bad[at] as number) ^ 1;
        t.throws(
          () => tr.unprotectRtp(bad, bad.length - 16, 12, ssrc, null, index, out),
          SrtpAuthError,
          `${x.section}: flip @${at}`,
        );
      }
      // Same packet under the wrong ROC (index + 2^16) does not authenticate.
      t.throws(() => tr.unprotectRtp(prot, prot.length - 16, 12, ssrc, null, index + 65536, out), {
        code: 'SRTP_AUTH_FAILED',
      });
    }
  }
});

t.test('RFC 7714 §17: SRTCP encryption (E=1) and tagging only (E=0), both key sizes', async (t) => {
  const v = loadVectors<SrtcpVectors>('rfc7714/srtcp-aead.json');
  const ssrc = parseInt(v.ssrc, 16);
  const index = parseInt(v.srtcpIndex, 16);
  t.equal(v.vectors.length, 4);
  for (const x of v.vectors) {
    const tr = transform(x.profile, x.key, v.salt);
    const rtcp = hex(x.rtcpPacket);
    const srtcp = hex(x.srtcpPacket);
    const out = new Uint8Array(srtcp.length);
    const n = tr.protectRtcp(rtcp, rtcp.length, ssrc, index, x.encrypted, out);
    t.equal(toHex(out.subarray(0, n)), toHex(srtcp), `${x.section}: protect`);
    const back = new Uint8Array(rtcp.length);
    const word = Buffer.from(srtcp).readUInt32BE(tr.rtcpIndexOffset(srtcp.length));
    t.equal(word >>> 31 === 1, x.encrypted, 'E flag');
    t.equal(word & 0x7fffffff, index, 'SRTCP index');
    const m = tr.unprotectRtcp(srtcp, srtcp.length, ssrc, index, x.encrypted, back);
    t.equal(toHex(back.subarray(0, m)), toHex(rtcp), `${x.section}: unprotect`);
    const bad = Uint8Array.from(srtcp);
    bad[9] = (bad[9] as number) ^ 0x80;
    t.throws(() => tr.unprotectRtcp(bad, bad.length, ssrc, index, x.encrypted, back), {
      code: 'SRTP_AUTH_FAILED',
    });
    // Claiming the other E flag changes the AAD: must not verify.
    t.throws(() => tr.unprotectRtcp(srtcp, srtcp.length, ssrc, index, !x.encrypted, back), {
      code: 'SRTP_AUTH_FAILED',
    });
  }
});
