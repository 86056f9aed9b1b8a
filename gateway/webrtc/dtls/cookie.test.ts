import t from 'tap';
import type { ClientHello } from './client-hello.ts';
import { CookieJar } from './cookie.ts';

const hello: ClientHello = {
  version: 0xfefd,
  random: new Uint8Array(32).fill(1),
  sessionId: new Uint8Array(0),
  cookie: new Uint8Array(0),
  cipherSuites: [0xc02b],
  compressionMethods: [0],
  extensions: [],
};

t.test('stateless: a jar with the same secret verifies; address and parameters are bound', async (t) => {
  const secret = new Uint8Array(32).fill(3);
  const cookie = new CookieJar(secret).make('127.0.0.1:5000', hello);
  const withCookie = { ...hello, cookie };
  t.ok(new CookieJar(secret).verify('127.0.0.1:5000', withCookie), 'another jar, same secret');
  t.notOk(new CookieJar().verify('127.0.0.1:5000', withCookie), 'other secret');
  t.notOk(new CookieJar(secret).verify('127.0.0.1:5001', withCookie), 'other address');
  t.notOk(
    new CookieJar(secret).verify('127.0.0.1:5000', { ...withCookie, random: new Uint8Array(32) }),
    'other random',
  );
  t.notOk(
    new CookieJar(secret).verify('127.0.0.1:5000', { ...withCookie, cookie: cookie.subarray(1) }),
    'short cookie',
  );
});
