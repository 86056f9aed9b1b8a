import fc from 'fast-check';
import t from 'tap';
import { ListenAddrError } from './errors.ts';
import { formatListenAddr, parseListenAddr } from './listen-addr.ts';

t.test('valid addresses', async (t) => {
  t.same(parseListenAddr('127.0.0.1:50051'), { host: '127.0.0.1', port: 50051 });
  t.same(parseListenAddr('0.0.0.0:0'), { host: '0.0.0.0', port: 0 });
  t.same(parseListenAddr('localhost:65535'), { host: 'localhost', port: 65535 });
  t.same(parseListenAddr('gw-1.example.internal:443'), { host: 'gw-1.example.internal', port: 443 });
  t.same(parseListenAddr('[::1]:50051'), { host: '::1', port: 50051 });
  t.same(parseListenAddr('[::]:0'), { host: '::', port: 0 });
  t.same(parseListenAddr(':8189'), { host: '0.0.0.0', port: 8189 }, ':port binds every interface');
});

t.test('invalid addresses are ListenAddrError naming the value and the reason', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /expected host:port/],
    ['50051', /expected host:port/],
    ['127.0.0.1:', /port "" is not a number/],
    ['127.0.0.1:http', /port "http" is not a number/],
    ['127.0.0.1:-1', /port "-1" is not a number/],
    ['127.0.0.1:65536', /port 65536 is out of range/],
    ['127.0.0.1:123456', /is not a number/],
    ['::1:50051', /IPv6 addresses must be written as \[addr\]:port/],
    ['[::1:50051', /missing "\]"/],
    ['[::1]50051', /expected ":port" after "\]"/],
    ['[127.0.0.1]:1', /is not an IPv6 address/],
    ['bad host:1', /is not an IPv4 address or host name/],
    ['-leading.example:1', /is not an IPv4 address or host name/],
    ['unix:/tmp/sock', /port "\/tmp\/sock" is not a number/],
  ];
  for (const [value, reason] of cases) {
    const err = t.throws(() => parseListenAddr(value), ListenAddrError, value);
    t.match(err, { code: 'INVALID_LISTEN_ADDR', value, reason }, value);
  }
});

t.test('format(parse(x)) round-trips for IPv4 and IPv6 literals and every port', async (t) => {
  const host = fc.oneof(fc.ipV4(), fc.ipV6());
  fc.assert(
    fc.property(host, fc.integer({ min: 0, max: 65535 }), (h, port) => {
      const text = formatListenAddr({ host: h, port });
      const back = parseListenAddr(text);
      return back.host === h && back.port === port && formatListenAddr(back) === text;
    }),
  );
  t.pass('property held');
});

t.test('garbage never throws anything but ListenAddrError', async (t) => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        const a = parseListenAddr(s);
        return Number.isInteger(a.port) && a.port >= 0 && a.port <= 65535 && a.host !== '';
      } catch (err) {
        return err instanceof ListenAddrError && err.value === s;
      }
    }),
  );
  t.pass('property held');
});
