import t from 'tap';
import { deriveSessionKeys, srtpKdf, SrtpLabel } from './key-derivation.ts';
import { SrtpBadKeyError } from './errors.ts';
import { srtpProfile, SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80 } from './profiles.ts';
import { hex, loadVectors } from './test-support.ts';

interface Kdf {
  masterKey: string;
  masterSalt: string;
  derived: { what: string; label: string; output: string }[];
}
const v = loadVectors<Kdf>('rfc3711/key-derivation.json');

t.test('RFC 3711 B.3: the AES-CM PRF derives the published cipher key, salt and auth key', async (t) => {
  const mk = hex(v.masterKey);
  const ms = hex(v.masterSalt);
  t.equal(v.derived.length, 3);
  for (const d of v.derived) {
    const want = hex(d.output);
    const got = srtpKdf(mk, ms, parseInt(d.label, 16), want.length);
    t.same(Buffer.from(got).toString('hex'), Buffer.from(want).toString('hex'), d.what);
  }
});

t.test('deriveSessionKeys uses labels 0..5 and the profile lengths (RFC 3711 §4.3.1)', async (t) => {
  const mk = hex(v.masterKey);
  const ms = hex(v.masterSalt);
  const keys = deriveSessionKeys(srtpProfile(SRTP_AES128_CM_HMAC_SHA1_80), mk, ms);
  const byWhat = new Map(v.derived.map((d) => [d.what, hex(d.output)]));
  t.same(keys.rtpKey, byWhat.get('cipher key'));
  t.same(keys.rtpSalt, byWhat.get('cipher salt'));
  t.same(
    keys.rtpAuthKey,
    byWhat.get('auth key')?.subarray(0, 20),
    'HMAC-SHA1 takes 160 bits of the auth key',
  );
  t.same(keys.rtcpKey, srtpKdf(mk, ms, SrtpLabel.rtcpEncryption, 16));
  t.same(keys.rtcpSalt, srtpKdf(mk, ms, SrtpLabel.rtcpSalt, 14));
  t.same(keys.rtcpAuthKey, srtpKdf(mk, ms, SrtpLabel.rtcpAuthentication, 20));
  t.not(Buffer.from(keys.rtcpKey).toString('hex'), Buffer.from(keys.rtpKey).toString('hex'));
});

t.test(
  'GCM: 12-byte salt, no auth key; the 96-bit salt is left-aligned (same as a 14-byte salt ending 0000)',
  async (t) => {
    const mk = hex(v.masterKey);
    const salt12 = hex(v.masterSalt).subarray(0, 12);
    const keys = deriveSessionKeys(srtpProfile(SRTP_AEAD_AES_128_GCM), mk, salt12);
    t.equal(keys.rtpSalt.length, 12);
    t.equal(keys.rtpAuthKey.length, 0);
    const padded = new Uint8Array(14);
    padded.set(salt12);
    t.same(keys.rtpKey, srtpKdf(mk, padded, 0, 16));
  },
);

t.test('wrong key or salt lengths are SRTP_BAD_KEY', async (t) => {
  const p = srtpProfile(SRTP_AES128_CM_HMAC_SHA1_80);
  t.throws(() => deriveSessionKeys(p, new Uint8Array(15), new Uint8Array(14)), SrtpBadKeyError);
  t.throws(() => deriveSessionKeys(p, new Uint8Array(16), new Uint8Array(12)), { code: 'SRTP_BAD_KEY' });
  t.throws(() => srtpKdf(new Uint8Array(24), new Uint8Array(14), 0, 16), { code: 'SRTP_BAD_KEY' });
});
