import t from 'tap';
import { keyingMaterialLength, splitKeyingMaterial } from './keying-material.ts';
import {
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
  SRTP_AES128_CM_HMAC_SHA1_80,
  SRTP_AES128_CM_HMAC_SHA1_32,
} from './profiles.ts';
import { toHex } from './test-support.ts';

t.test('keyingMaterialLength is 2 * (key + salt) (RFC 5764 §4.2)', async (t) => {
  t.equal(keyingMaterialLength(SRTP_AES128_CM_HMAC_SHA1_80), 60);
  t.equal(keyingMaterialLength(SRTP_AES128_CM_HMAC_SHA1_32), 60);
  t.equal(keyingMaterialLength(SRTP_AEAD_AES_128_GCM), 56);
  t.equal(keyingMaterialLength(SRTP_AEAD_AES_256_GCM), 88);
  t.throws(() => keyingMaterialLength(3), { code: 'SRTP_UNSUPPORTED_PROFILE' });
});

t.test('split order: client key, server key, client salt, server salt', async (t) => {
  for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM]) {
    const n = keyingMaterialLength(profile);
    const m = Uint8Array.from({ length: n }, (_, i) => i);
    const k = profile === SRTP_AEAD_AES_256_GCM ? 32 : 16;
    const s = profile === SRTP_AES128_CM_HMAC_SHA1_80 ? 14 : 12;
    const asServer = splitKeyingMaterial(profile, m, 'server');
    t.equal(toHex(asServer.client.masterKey), toHex(m.subarray(0, k)));
    t.equal(toHex(asServer.server.masterKey), toHex(m.subarray(k, 2 * k)));
    t.equal(toHex(asServer.client.masterSalt), toHex(m.subarray(2 * k, 2 * k + s)));
    t.equal(toHex(asServer.server.masterSalt), toHex(m.subarray(2 * k + s)));
    t.equal(asServer.local, asServer.server, 'a DTLS server sends with the server keys');
    t.equal(asServer.remote, asServer.client);
    const asClient = splitKeyingMaterial(profile, m, 'client');
    t.equal(toHex(asClient.local.masterKey), toHex(asServer.remote.masterKey));
    m.fill(0);
    t.not(toHex(asServer.client.masterKey), toHex(new Uint8Array(k)), 'copies survive wiping the material');
    t.throws(() => splitKeyingMaterial(profile, new Uint8Array(n - 1), 'client'), { code: 'SRTP_BAD_KEY' });
  }
});
