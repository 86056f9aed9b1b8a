import t from 'tap';
import fc from 'fast-check';
import { RtspError } from './errors.ts';
import { RtspHeaders } from './headers.ts';
import { rtspRequest, rtspResponse, bodyText, type RtspMessage, type RtspResponse } from './message.ts';
import { parseMessage } from './message-parser.ts';
import { RtspMessageReader } from './message-reader.ts';
import { serializeRequest, serializeResponse, serializeMessage } from './serialize.ts';

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

const DESCRIBE_REPLY =
  'RTSP/1.0 401 Unauthorized\r\n' +
  'cseq: 3\r\n' +
  'WWW-Authenticate: Digest realm="cam", nonce="abc"\r\n' +
  'WWW-Authenticate: Basic realm="cam"\r\n' +
  'content-length: 5\r\n' +
  '\r\n' +
  'hello';

function feedAll(chunks: Uint8Array[]): RtspMessage[] {
  const r = new RtspMessageReader();
  return chunks.flatMap((c) => r.push(c));
}

t.test('serializes a request with User-Agent and body', async (t) => {
  const req = rtspRequest(
    'SET_PARAMETER',
    'rtsp://cam/x',
    { CSeq: '7', 'User-Agent': 'ua' },
    bytes('a: b\r\n'),
  );
  const text = new TextDecoder().decode(serializeRequest(req));
  t.equal(
    text,
    'SET_PARAMETER rtsp://cam/x RTSP/1.0\r\nCSeq: 7\r\nUser-Agent: ua\r\nContent-Length: 6\r\n\r\na: b\r\n',
  );
});

t.test('serializer refuses header injection and bad tokens', async (t) => {
  t.throws(() => serializeRequest(rtspRequest('OPTIONS', 'rtsp://a/\r\nX: y', { CSeq: '1' })), {
    code: 'RTSP_ENCODE',
  });
  t.throws(() => serializeRequest(rtspRequest('OPTIONS', 'rtsp://a/', { CSeq: '1\r\nEvil: 1' })), {
    code: 'RTSP_ENCODE',
  });
  t.throws(() => serializeRequest(rtspRequest('OPT IONS', 'rtsp://a/', {})), { code: 'RTSP_ENCODE' });
  t.throws(() => serializeRequest(rtspRequest('OPTIONS', 'rtsp://a/', { 'Bad Name': 'x' })), {
    code: 'RTSP_ENCODE',
  });
  t.throws(() => serializeResponse(rtspResponse(42, 'no', {})), { code: 'RTSP_ENCODE' });
});

t.test('parses a response: case-insensitive CSeq, several WWW-Authenticate, body', async (t) => {
  const [msg] = feedAll([bytes(DESCRIBE_REPLY)]);
  t.ok(msg && msg.kind === 'response');
  const res = msg as RtspResponse;
  t.equal(res.status, 401);
  t.equal(res.reason, 'Unauthorized');
  t.equal(res.headers.get('CSeq'), '3');
  t.same(res.headers.getAll('www-authenticate'), ['Digest realm="cam", nonce="abc"', 'Basic realm="cam"']);
  t.equal(bodyText(res), 'hello');
});

t.test('byte by byte and every two-way split give the same message', async (t) => {
  const all = bytes(DESCRIBE_REPLY + DESCRIBE_REPLY.replace('cseq: 3', 'CSEQ: 4'));
  const byteByByte = feedAll([...all].map((b) => Uint8Array.of(b)));
  t.equal(byteByByte.length, 2);
  t.same(
    byteByByte.map((m) => (m as RtspResponse).headers.get('cseq')),
    ['3', '4'],
  );
  for (let i = 0; i <= all.length; i++) {
    const got = feedAll([all.subarray(0, i), all.subarray(i)]);
    if (got.length !== 2 || bodyText(got[1] as RtspMessage) !== 'hello') t.fail(`split at ${i}`);
  }
});

t.test('tolerates bare LF, leading CRLF, folded headers, missing reason', async (t) => {
  const msgs = feedAll([bytes('\r\nRTSP/1.0 200\nCSeq: 1\nSession: abc;\n timeout=30\n\n')]);
  const res = msgs[0] as RtspResponse;
  t.equal(res.status, 200);
  t.equal(res.reason, '');
  t.equal(res.headers.get('session'), 'abc; timeout=30');
});

t.test('parses server-to-client requests (RFC 2326 §10)', async (t) => {
  const [msg] = feedAll([bytes('GET_PARAMETER rtsp://gw/ RTSP/1.0\r\nCSeq: 9\r\n\r\n')]);
  t.equal(msg?.kind, 'request');
  t.equal(msg?.kind === 'request' && msg.method, 'GET_PARAMETER');
});

t.test('bounds: endless headers, huge Content-Length, too many headers', async (t) => {
  const r1 = new RtspMessageReader({ maxHeaderBytes: 1024 });
  t.throws(
    () => {
      for (let i = 0; i < 200; i++) r1.push(bytes('X-Filler: aaaaaaaaaa\r\n'.repeat(1)));
      r1.push(bytes('RTSP/1.0 200 OK\r\n'));
    },
    { code: 'RTSP_PARSE' },
  );
  const r2 = new RtspMessageReader({ maxHeaderBytes: 1024 });
  r2.push(bytes('RTSP/1.0 200 OK\r\n'));
  t.throws(
    () => {
      for (let i = 0; i < 200; i++) r2.push(bytes('X-Filler: aaaaaaaaaa\r\n'));
    },
    { code: 'RTSP_LIMIT' },
  );
  t.ok(r2.buffered <= 0, 'a failed reader drops its buffer');
  t.throws(
    () => new RtspMessageReader().push(bytes('RTSP/1.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n')),
    {
      code: 'RTSP_PARSE',
    },
  );
  t.throws(() => new RtspMessageReader().push(bytes('RTSP/1.0 200 OK\r\nContent-Length: 9999999\r\n\r\n')), {
    code: 'RTSP_LIMIT',
  });
  t.throws(
    () =>
      new RtspMessageReader({ maxHeaders: 3 }).push(
        bytes('RTSP/1.0 200 OK\r\n' + 'A: 1\r\n'.repeat(4) + '\r\n'),
      ),
    {
      code: 'RTSP_LIMIT',
    },
  );
  t.throws(
    () =>
      new RtspMessageReader().push(
        bytes('RTSP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'),
      ),
    {
      code: 'RTSP_PARSE',
    },
  );
  const r3 = new RtspMessageReader();
  t.throws(() => r3.push(bytes('HTTP/1.1 200 OK\r\n\r\n')), { code: 'RTSP_PARSE' });
  t.throws(() => r3.push(bytes('RTSP/1.0 200 OK\r\n\r\n')), { code: 'RTSP_PARSE' }, 'stays failed');
});

t.test('a large body fed byte by byte is not re-parsed per byte', async (t) => {
  const body = 'x'.repeat(200_000); // quadratic copying took ~28 s here, linear well under 2 s
  const all = bytes(`RTSP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  const start = performance.now();
  const got = feedAll([...all].map((b) => Uint8Array.of(b)));
  t.equal(got.length, 1);
  t.equal(got[0]?.body.length, body.length);
  t.ok(performance.now() - start < 10_000, 'linear, not quadratic');
});

// --- properties ---

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
const headerList = fc.array(
  fc.tuple(
    token.filter((n) => n.toLowerCase() !== 'content-length'),
    headerValue,
  ),
  {
    maxLength: 8,
  },
);
const body = fc.uint8Array({ maxLength: 300 });

const arbResponse = fc
  .record({
    status: fc.integer({ min: 100, max: 999 }),
    reason: fc.stringMatching(/^([\x21-\x7e][\x20-\x7e]{0,20}[\x21-\x7e])?$/),
    headers: headerList,
    body,
  })
  .map(({ status, reason, headers, body }) => rtspResponse(status, reason, new RtspHeaders(headers), body));

const arbRequest = fc
  .record({
    method: fc.constantFrom('OPTIONS', 'GET_PARAMETER', 'ANNOUNCE', 'SET_PARAMETER'),
    uri: fc.webUrl().map((u) => u.replace(/^https?/, 'rtsp')),
    headers: headerList,
    body,
  })
  .map(({ method, uri, headers, body }) => rtspRequest(method, uri, new RtspHeaders(headers), body));

function comparable(m: RtspMessage): unknown {
  const headers = [...m.headers].filter(([k]) => k.toLowerCase() !== 'content-length');
  const head = m.kind === 'request' ? [m.method, m.uri] : [m.status, m.reason];
  return { kind: m.kind, head, headers, body: [...m.body] };
}

t.test('property: serialize → parse round trip, in any split', async () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(arbResponse, arbRequest), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (msgs, cut) => {
        const wire = Buffer.concat(msgs.map((m) => serializeMessage(m)));
        const at = wire.length === 0 ? 0 : cut % wire.length;
        const got = feedAll([wire.subarray(0, at), wire.subarray(at)]);
        return JSON.stringify(got.map(comparable)) === JSON.stringify(msgs.map(comparable));
      },
    ),
  );
});

t.test('property: garbage never throws anything but RtspError', async () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.constantFrom(bytes('RTSP/1.0 '), bytes('\r\n\r\n'), bytes('Content-Length: 3\r\n')),
        ),
        {
          maxLength: 20,
        },
      ),
      (chunks) => {
        const r = new RtspMessageReader({ maxHeaderBytes: 256, maxBodyBytes: 256 });
        try {
          for (const c of chunks) r.push(c);
        } catch (err) {
          if (!(err instanceof RtspError)) throw err;
        }
        const one = parseMessage(Buffer.concat(chunks));
        return one.status !== 'error' || one.error instanceof RtspError;
      },
    ),
  );
});
