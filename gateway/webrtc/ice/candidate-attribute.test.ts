import fc from 'fast-check';
import t from 'tap';
import { formatCandidate, IceError, isMdnsName, parseCandidate, type Candidate } from './index.ts';

t.test('browser and RFC examples', async (t) => {
  const chrome = parseCandidate(
    'candidate:3169434924 1 udp 2113937151 1f8e4c52-9b1e-4c2b-8d3a-2a6f1a4b5c6d.local 58732 typ host generation 0 ufrag Xy1z network-cost 999',
  );
  t.equal(chrome.type, 'host');
  t.ok(isMdnsName(chrome.address));
  t.same(chrome.extensions, [
    ['generation', '0'],
    ['ufrag', 'Xy1z'],
    ['network-cost', '999'],
  ]);
  const srflx = parseCandidate(
    'a=candidate:842163049 1 UDP 1677729535 203.0.113.5 61000 typ srflx raddr 0.0.0.0 rport 0 generation 0',
  );
  t.equal(srflx.transport, 'udp');
  t.equal(srflx.relatedAddress, '0.0.0.0');
  t.equal(srflx.relatedPort, 0);
  const tcp = parseCandidate('candidate:1 1 TCP 1518280447 192.0.2.1 9 typ host tcptype active');
  t.equal(tcp.transport, 'tcp');
  t.equal(tcp.tcpType, 'active');
  const v6 = parseCandidate('candidate:2 1 udp 2122262783 2001:db8::1 5000 typ host');
  t.equal(v6.address, '2001:db8::1');
  const relay = parseCandidate(
    'candidate:5 2 udp 16777215 198.51.100.9 3478 typ relay raddr 203.0.113.5 rport 61000',
  );
  t.equal(relay.component, 2);
  t.equal(relay.type, 'relay');
  t.equal(
    formatCandidate(srflx),
    'candidate:842163049 1 udp 1677729535 203.0.113.5 61000 typ srflx raddr 0.0.0.0 rport 0 generation 0',
  );
});

t.test('errors carry the offset of the bad field', async (t) => {
  const cases: [string, number][] = [
    ['foo', 0],
    ['candidate:', 10],
    ['candidate:1 1 udp 1 1.2.3.4 5', 29],
    ['candidate:1 0 udp 1 1.2.3.4 5 typ host', 12],
    ['candidate:1 1 sctp 1 1.2.3.4 5 typ host', 14],
    ['candidate:1 1 udp 99999999999 1.2.3.4 5 typ host', 18],
    ['candidate:1 1 udp 1 1.2.3.4 70000 typ host', 28],
    ['candidate:1 1 udp 1 1.2.3.4 5 type host', 30],
    ['candidate:1 1 udp 1 1.2.3.4 5 typ weird', 34],
    ['candidate:1 1 udp 1 1.2.3.4 5 typ host raddr', 44],
    ['candidate:1 1 udp 1 1.2.3.4 5 typ host tcptype sideways', 47],
    ['candidate:1  1 udp 1 1.2.3.4 5 typ host', 12],
    ['candidate:1 1 udp 1 1.2.3.4 5 typ host ', 38],
    ['candidate:!! 1 udp 1 1.2.3.4 5 typ host', 10],
  ];
  for (const [line, offset] of cases) {
    const e = t.throws(() => parseCandidate(line), line) as IceError;
    t.ok(e instanceof IceError);
    t.equal(e.code, 'ICE_BAD_CANDIDATE');
    t.equal(e.offset, offset, line);
  }
});

const iceChars = fc.stringMatching(/^[A-Za-z0-9+/]{1,32}$/);
const token = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,10}$/)
  .filter((s) => !['raddr', 'rport', 'tcptype'].includes(s));
const candArb: fc.Arbitrary<Candidate> = fc
  .record({
    foundation: iceChars,
    component: fc.integer({ min: 1, max: 256 }),
    transport: fc.constantFrom('udp' as const, 'tcp' as const),
    priority: fc.integer({ min: 0, max: 0xffffffff }),
    address: fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.uuid().map((u) => `${u}.local`),
    ),
    port: fc.integer({ min: 0, max: 65535 }),
    type: fc.constantFrom('host' as const, 'srflx' as const, 'prflx' as const, 'relay' as const),
    related: fc.option(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 })), { nil: undefined }),
    tcpType: fc.option(fc.constantFrom('active' as const, 'passive' as const, 'so' as const), {
      nil: undefined,
    }),
    extensions: fc.array(fc.tuple(token, fc.stringMatching(/^[\x21-\x7e]{1,12}$/)), { maxLength: 4 }),
  })
  .map(({ related, tcpType, ...c }) => ({
    ...c,
    ...(related ? { relatedAddress: related[0], relatedPort: related[1] } : {}),
    ...(tcpType ? { tcpType } : {}),
  }));

t.test('parse(format(c)) equals c', async (t) => {
  fc.assert(
    fc.property(candArb, (c) => JSON.stringify(parseCandidate(formatCandidate(c))) === JSON.stringify(c)),
  );
  t.pass();
});

t.test('every truncation and garbage: parses or throws IceError, nothing else', async (t) => {
  const line =
    'candidate:842163049 1 udp 1677729535 203.0.113.5 61000 typ srflx raddr 10.0.0.1 rport 5000 generation 0';
  let ok = 0;
  for (let n = 0; n <= line.length; n++) {
    try {
      parseCandidate(line.slice(0, n));
      ok++;
    } catch (e) {
      t.ok(e instanceof IceError, `cut at ${n}`);
    }
  }
  t.ok(ok >= 3 && ok < 20, `${ok} prefixes are themselves valid candidates`);
  fc.assert(
    fc.property(fc.string({ maxLength: 120 }), (s) => {
      try {
        parseCandidate(`candidate:${s}`);
      } catch (e) {
        if (!(e instanceof IceError)) throw e;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
});
