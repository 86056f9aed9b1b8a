import t from 'tap';
import { DtlsStateError } from './errors.ts';
import { flightTransition, type FlightEvent, type FlightState } from './flight-state.ts';

t.test('the RFC 6347 §4.2.4 edges', async (t) => {
  const path: [FlightState, FlightEvent, FlightState][] = [
    ['preparing', 'send', 'sending'],
    ['sending', 'sent', 'waiting'],
    ['waiting', 'timeout', 'sending'],
    ['waiting', 'peer-retransmit', 'sending'],
    ['waiting', 'received-flight', 'preparing'],
    ['waiting', 'received-last-flight', 'finished'],
    ['sending', 'sent-last', 'finished'],
    ['finished', 'peer-retransmit', 'sending'],
  ];
  for (const [from, ev, to] of path) t.equal(flightTransition(from, ev), to, `${from} --${ev}--> ${to}`);
});

t.test('anything else is an illegal transition', async (t) => {
  t.throws(() => flightTransition('preparing', 'timeout'), DtlsStateError);
  t.throws(() => flightTransition('finished', 'timeout'), {
    code: 'DTLS_ILLEGAL_TRANSITION',
    state: 'finished',
    event: 'timeout',
  });
  t.throws(() => flightTransition('sending', 'send'), DtlsStateError);
});
