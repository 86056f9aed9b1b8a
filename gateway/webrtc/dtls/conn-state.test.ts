import t from 'tap';
import { nextDtlsConnState, type DtlsConnState } from './conn-state.ts';

t.test('DTLS conn lifecycle: the legal steps, and a typed error for the rest', async (t) => {
  t.equal(nextDtlsConnState('handshaking', 'connected'), 'connected');
  t.equal(nextDtlsConnState('handshaking', 'closed'), 'closed');
  t.equal(nextDtlsConnState('connected', 'closed'), 'closed');
  const illegal: [DtlsConnState, DtlsConnState][] = [
    ['connected', 'handshaking'],
    ['connected', 'connected'],
    ['closed', 'connected'],
    ['closed', 'handshaking'],
    ['closed', 'closed'],
    ['handshaking', 'handshaking'],
  ];
  for (const [from, to] of illegal)
    t.throws(
      () => nextDtlsConnState(from, to),
      { code: 'DTLS_ILLEGAL_TRANSITION', state: from },
      `${from} -> ${to}`,
    );
});
