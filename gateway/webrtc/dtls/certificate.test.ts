import { createHash, X509Certificate } from 'node:crypto';
import t from 'tap';
import { ManualClock } from '../transport/index.ts';
import { certificateFromPem, generateCertificate } from './certificate.ts';
import { fingerprint, fingerprintMatches } from './fingerprint.ts';
import { signEcdsaSha256, verifySignature } from './signature.ts';

t.test('generateCertificate: self-signed ECDSA P-256, valid around the clock, key matches', async (t) => {
  const clock = new ManualClock(0, Date.UTC(2030, 0, 1));
  const c = await generateCertificate(clock, { commonName: 'unit', validDays: 10 });
  const x = new X509Certificate(c.der);
  t.equal(x.subject, 'CN=unit');
  t.ok(x.verify(x.publicKey), 'self-signed');
  t.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.equal(new Date(x.validFrom).getTime(), Date.UTC(2029, 11, 31));
  t.equal(new Date(x.validTo).getTime(), Date.UTC(2030, 0, 11));
  const sig = signEcdsaSha256(c.privateKey, new Uint8Array([1, 2, 3]));
  t.ok(
    verifySignature(0x0403, x.publicKey, new Uint8Array([1, 2, 3]), sig),
    'private key belongs to the certificate',
  );
  t.notOk(
    verifySignature(0x0401, x.publicKey, new Uint8Array([1, 2, 3]), sig),
    'an RSA scheme on an EC key fails',
  );
  const other = await generateCertificate(clock);
  t.not(other.fingerprint, c.fingerprint, 'fresh key and serial each time');
});

t.test('fingerprint: SDP form of RFC 8122 §5, case-insensitive match, other hashes', async (t) => {
  const der = new Uint8Array([1, 2, 3, 4]);
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  const fp = fingerprint(der);
  t.equal(fp, `sha-256 ${hex.match(/../g)?.join(':')}`);
  t.ok(fingerprintMatches(der, fp.toLowerCase()));
  t.ok(fingerprintMatches(der, `  SHA-256 ${fp.split(' ')[1]}  `));
  t.ok(fingerprintMatches(der, fingerprint(der, 'sha-1')));
  t.notOk(fingerprintMatches(new Uint8Array([1, 2, 3]), fp));
  t.notOk(fingerprintMatches(der, `md5 ${fp.split(' ')[1]}`), 'unknown hash never matches');
  t.notOk(fingerprintMatches(der, 'garbage'));
});

t.test('certificateFromPem loads an OpenSSL-style PEM pair', async (t) => {
  const c = await generateCertificate(new ManualClock());
  const certPem = new X509Certificate(c.der).toString();
  const keyPem = c.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const loaded = certificateFromPem(certPem, keyPem);
  t.equal(loaded.fingerprint, c.fingerprint);
  t.same(loaded.der, c.der);
});
