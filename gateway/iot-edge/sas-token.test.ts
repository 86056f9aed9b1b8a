import t from 'tap';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { formatSasToken, moduleResourceUri, parseSasToken, stringToSign } from './sas-token.ts';

t.test('the string to sign is the URL-encoded resource URI, a newline and the expiry', async (t) => {
  const uri = moduleResourceUri('hub1.azure-devices.net', 'dev-1', 'edgegateway');
  t.equal(uri, 'hub1.azure-devices.net/devices/dev-1/modules/edgegateway');
  t.equal(
    stringToSign(uri, 1764111600),
    'hub1.azure-devices.net%2Fdevices%2Fdev-1%2Fmodules%2Fedgegateway\n1764111600',
  );
  // Characters a device or module id may hold are encoded as encodeURIComponent does.
  t.equal(stringToSign('h/devices/a:b/modules/m@1', 5), 'h%2Fdevices%2Fa%3Ab%2Fmodules%2Fm%401\n5');
});

t.test(
  'the token carries sr, the URL-encoded signature and se; an HMAC with the key verifies it',
  async (t) => {
    const key = Buffer.from('a-test-module-key-of-32-bytes!!!').toString('base64');
    const uri = moduleResourceUri('hub1.azure-devices.net', 'dev-1', 'edgegateway');
    const expiry = 1764111600;
    const sig = createHmac('sha256', Buffer.from(key, 'base64'))
      .update(stringToSign(uri, expiry))
      .digest('base64');
    const token = formatSasToken(uri, sig, expiry);
    t.match(
      token,
      /^SharedAccessSignature sr=hub1\.azure-devices\.net%2Fdevices%2Fdev-1%2Fmodules%2Fedgegateway&sig=[^&+/=]+&se=1764111600$/,
    );
    const parsed = parseSasToken(token);
    t.same(parsed, { sr: uri, sig, se: expiry });
    const again = createHmac('sha256', Buffer.from(key, 'base64'))
      .update(stringToSign(parsed?.sr ?? '', parsed?.se ?? 0))
      .digest('base64');
    t.equal(again, parsed?.sig);
  },
);

t.test('parseSasToken rejects what is not a token and never throws', async (t) => {
  t.equal(parseSasToken('Bearer x'), undefined);
  t.equal(parseSasToken('SharedAccessSignature sr=a&sig=b'), undefined);
  t.equal(parseSasToken('SharedAccessSignature sr=%E0%A4%A&sig=b&se=1'), undefined);
  t.same(parseSasToken('SharedAccessSignature sr=a&sig=b&se=1&skn=k'), {
    sr: 'a',
    sig: 'b',
    se: 1,
    skn: 'k',
  });
  fc.assert(
    fc.property(fc.string(), (s) => {
      parseSasToken(s);
      parseSasToken(`SharedAccessSignature ${s}`);
    }),
  );
  fc.assert(
    fc.property(
      fc.string(),
      fc.string({ minLength: 1 }),
      fc.integer({ min: 0, max: 2 ** 40 }),
      (uri, sig, se) => {
        const p = parseSasToken(formatSasToken(uri, sig, se));
        return p?.sr === uri && p.sig === sig && p.se === se;
      },
    ),
    { numRuns: 200 },
  );
});
