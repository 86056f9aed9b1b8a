import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseChallenges } from './auth-challenge.ts';
import { Authenticator } from './authenticator.ts';
import { maskUrl, parseRtspUrl } from './rtsp-url.ts';

const vec = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`../../test/vectors/rfc2617/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    string
  >;
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function param(header: string, name: string): string | undefined {
  return parseChallenges([header])[0]?.params[name];
}

t.test('RFC 2617 §3.5 Digest example (qop=auth)', async (t) => {
  const v = vec('digest-example.json');
  const auth = new Authenticator(
    { username: v.username!, password: v.password! },
    { cnonce: () => v.cnonce! },
  );
  t.same(auth.challenge([v.challenge!]), { retry: true });
  const h = auth.authorization(v.method!, v.uri!)!;
  t.equal(param(h, 'response'), v.response);
  t.equal(param(h, 'nc'), v.nc);
  t.equal(param(h, 'qop'), 'auth');
  t.equal(param(h, 'opaque'), '5ccc069c403ebaf9f0171e9517f40e41');
  t.equal(param(h, 'uri'), v.uri);
  t.equal(param(auth.authorization(v.method!, v.uri!)!, 'nc'), '00000002', 'nc counts per nonce');
});

t.test('RFC 2617 §2 Basic example', async (t) => {
  const v = vec('basic-example.json');
  const auth = new Authenticator({ username: v.username!, password: v.password! });
  t.equal(auth.authorization('OPTIONS', 'rtsp://x/'), undefined, 'nothing before a challenge');
  t.same(auth.challenge(['Basic realm="WallyWorld"']), { retry: true });
  t.equal(auth.authorization('DESCRIBE', 'rtsp://x/'), v.authorization);
  t.equal(
    auth.challenge(['Basic realm="WallyWorld"'], true).retry,
    false,
    'refused twice: wrong credentials',
  );
});

t.test('Digest without qop (RFC 2069) and MD5-sess', async (t) => {
  const auth = new Authenticator({ username: 'u', password: 'p' }, { cnonce: () => 'cn' });
  auth.challenge(['Digest realm="r", nonce="n"']);
  const h = auth.authorization('DESCRIBE', 'rtsp://cam/a')!;
  t.equal(param(h, 'response'), md5(`${md5('u:r:p')}:n:${md5('DESCRIBE:rtsp://cam/a')}`));
  t.equal(param(h, 'qop'), undefined);
  t.equal(param(h, 'cnonce'), undefined);

  const sess = new Authenticator({ username: 'u', password: 'p' }, { cnonce: () => 'cn' });
  sess.challenge(['Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess']);
  const hs = sess.authorization('PLAY', 'rtsp://cam/a')!;
  const ha1 = md5(`${md5('u:r:p')}:n:cn`);
  t.equal(param(hs, 'response'), md5(`${ha1}:n:00000001:cn:auth:${md5('PLAY:rtsp://cam/a')}`));
});

t.test('prefers Digest over Basic, from several headers or one', async (t) => {
  for (const headers of [
    ['Basic realm="cam"', 'Digest realm="cam", nonce="abc"'],
    ['Basic realm="cam", Digest realm="cam", nonce="abc"'],
  ]) {
    const auth = new Authenticator({ username: 'u', password: 'p' });
    auth.challenge(headers);
    t.equal(auth.scheme, 'digest');
    t.match(auth.authorization('OPTIONS', '*'), /^Digest /);
  }
});

t.test('stale nonce is retried; a second refusal is final; no credentials is final', async (t) => {
  const auth = new Authenticator({ username: 'u', password: 'p' });
  t.ok(auth.challenge(['Digest realm="r", nonce="n1", qop="auth"']).retry);
  auth.authorization('DESCRIBE', 'rtsp://c/');
  t.ok(auth.challenge(['Digest realm="r", nonce="n2", qop="auth", stale=TRUE'], true).retry, 'stale: retry');
  t.match(auth.authorization('DESCRIBE', 'rtsp://c/'), /nonce="n2"/);
  t.equal(
    auth.challenge(['Digest realm="r", nonce="n3", qop="auth"'], true).retry,
    false,
    'not stale: wrong password',
  );
  const v = new Authenticator(undefined).challenge(['Basic realm="x"']);
  t.equal(v.retry, false);
  t.match(v.retry === false && v.reason, /requires credentials/);
  t.match(new Authenticator({ username: 'a', password: 'b' }).challenge(['Negotiate abc']), {
    retry: false,
    reason: /negotiate/,
  });
});

t.test('parseChallenges: quoting, escapes, odd spacing; total on garbage', async (t) => {
  t.same(parseChallenges(['Digest  realm = "a \\"b\\", c" ,nonce=xyz,  stale=false']), [
    { scheme: 'digest', params: { realm: 'a "b", c', nonce: 'xyz', stale: 'false' } },
  ]);
  fc.assert(fc.property(fc.array(fc.string()), (vals) => Array.isArray(parseChallenges(vals))));
});

t.test('URLs: credentials split off, decoded; maskUrl hides passwords, never throws', async (t) => {
  t.same(parseRtspUrl('rtsp://admin:s%40cret@10.0.0.5/stream1?x=1'), {
    url: 'rtsp://10.0.0.5/stream1?x=1',
    host: '10.0.0.5',
    port: 554,
    credentials: { username: 'admin', password: 's@cret' },
  });
  t.equal(parseRtspUrl('rtsp://[::1]:8554/a').host, '::1');
  t.equal(parseRtspUrl('rtsp://cam:8554/a').credentials, undefined);
  t.throws(() => parseRtspUrl('http://cam/a'), { code: 'RTSP_BAD_URL' });
  try {
    parseRtspUrl('rtsp://user:secret@');
    t.fail('should throw');
  } catch (err) {
    t.match(err, { code: 'RTSP_BAD_URL' });
    t.notMatch((err as Error).message, /secret/, 'the error message masks the password');
  }
  t.equal(maskUrl('rtsp://admin:secret@cam/stream'), 'rtsp://admin:***@cam/stream');
  t.equal(maskUrl('rtsp://admin@cam/stream'), 'rtsp://admin:***@cam/stream');
  t.equal(maskUrl('rtsp://cam/stream'), 'rtsp://cam/stream');
  t.equal(maskUrl('rtsp://a:b@c:d@cam/s'), 'rtsp://a:***@cam/s');
  fc.assert(
    fc.property(
      fc.string(),
      fc.string({ minLength: 3 }).filter((p) => !/[/?#@]/.test(p)),
      (user, pass) => {
        const u = `rtsp://${user.replace(/[/?#@:]/g, '')}:${pass}XYZ@host/p`;
        return !maskUrl(u).includes(`${pass}XYZ`);
      },
    ),
  );
});
