import t from 'tap';
import { candidatePriority, computeFoundation, pairPriority } from './index.ts';

t.test('candidate priority (RFC 8445 §5.1.2.1)', async (t) => {
  t.equal(candidatePriority('host', 65535, 1), 2130706431);
  t.equal(candidatePriority('host', 65535, 2), 2130706430);
  t.equal(candidatePriority('prflx', 65535, 1), 110 * 2 ** 24 + 65535 * 256 + 255);
  t.equal(candidatePriority('srflx', 0, 1), 100 * 2 ** 24 + 255);
  t.equal(candidatePriority('relay', 0, 256), 0);
  t.ok(candidatePriority('prflx', 0, 1) > candidatePriority('srflx', 65535, 1), 'prflx above srflx');
});

t.test('pair priority (RFC 8445 §6.1.2.3)', async (t) => {
  const g = 2130706431;
  const d = 1694498815;
  t.equal(pairPriority(g, d), (BigInt(d) << 32n) + 2n * BigInt(g) + 1n);
  t.equal(pairPriority(d, g), (BigInt(d) << 32n) + 2n * BigInt(g));
  t.ok(pairPriority(g, d) > pairPriority(d, g), 'G>D breaks the tie between mirrored pairs');
  t.equal(pairPriority(5, 5), (5n << 32n) + 10n);
  t.ok(pairPriority(0xffffffff, 0xffffffff) > BigInt(Number.MAX_SAFE_INTEGER), 'needs a bigint');
});

t.test('foundation: same for same type/base/transport/server, different otherwise', async (t) => {
  t.equal(computeFoundation('host', '10.0.0.1', 'udp'), computeFoundation('host', '10.0.0.1', 'udp'));
  t.not(computeFoundation('host', '10.0.0.1', 'udp'), computeFoundation('host', '10.0.0.2', 'udp'));
  t.not(computeFoundation('host', '10.0.0.1', 'udp'), computeFoundation('host', '10.0.0.1', 'tcp'));
  t.not(
    computeFoundation('srflx', '10.0.0.1', 'udp', 'a:3478'),
    computeFoundation('srflx', '10.0.0.1', 'udp', 'b:3478'),
  );
  t.match(computeFoundation('relay', '::1', 'udp'), /^[0-9]{1,32}$/);
});
