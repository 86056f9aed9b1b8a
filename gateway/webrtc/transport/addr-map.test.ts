import t from 'tap';
import fc from 'fast-check';
import { AddrMap } from './addr-map.ts';
import { addr, addrKey } from './addr.ts';

t.test('behaves like a Map keyed by ip:port', async (t) => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom('set', 'delete'),
          fc.constantFrom('10.0.0.1', '10.0.0.2', '::1', 'fe80::1'),
          fc.integer({ min: 1, max: 4 }),
          fc.integer(),
        ),
        { maxLength: 60 },
      ),
      (ops) => {
        const m = new AddrMap<number>();
        const ref = new Map<string, number>();
        for (const [op, ip, port, v] of ops) {
          const a = addr(ip, port);
          if (op === 'set') {
            m.set(a, v);
            ref.set(addrKey(a), v);
          } else {
            if (m.delete(a) !== ref.delete(addrKey(a))) return false;
          }
        }
        if (m.size !== ref.size) return false;
        for (const ip of ['10.0.0.1', '10.0.0.2', '::1', 'fe80::1']) {
          for (let p = 1; p <= 4; p++) if (m.get(addr(ip, p)) !== ref.get(addrKey(addr(ip, p)))) return false;
        }
        return true;
      },
    ),
  );
  const m = new AddrMap<string>();
  m.set(addr('1.2.3.4', 5), 'x');
  m.clear();
  t.equal(m.size, 0);
  t.equal(m.get(addr('1.2.3.4', 5)), undefined);
});
