import t from 'tap';
import { encodeStun, newTransactionId, shortTermKey, StunMethod } from '../stun/index.ts';
import { routeKey } from './index.ts';

const msg = (
  cls: 'request' | 'success' | 'indication',
  username?: string,
  method: number = StunMethod.Binding,
) =>
  encodeStun(
    { cls, method, transactionId: newTransactionId(), attrs: username === undefined ? {} : { username } },
    { integrityKey: shortTermKey('pw'), fingerprint: true },
  );

t.test('the local ufrag of a Binding request, else undefined', async (t) => {
  t.equal(routeKey(msg('request', 'gwUf:peerUf')), 'gwUf');
  t.equal(routeKey(msg('request', 'gwUf')), undefined, 'no colon');
  t.equal(routeKey(msg('request', ':x')), undefined, 'empty local ufrag');
  t.equal(routeKey(msg('request')), undefined, 'no USERNAME');
  t.equal(routeKey(msg('success', 'gwUf:peerUf')), undefined, 'responses route by address');
  t.equal(routeKey(msg('indication', 'gwUf:peerUf')), undefined);
  t.equal(routeKey(msg('request', 'gwUf:peerUf', 0x003)), undefined, 'TURN Allocate is not a check');
  t.equal(routeKey(new Uint8Array([0x16, 0xfe, 0xfd, 0, 0])), undefined, 'DTLS');
  const bad = msg('request', 'gwUf:peerUf');
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
  t.equal(routeKey(bad), undefined, 'bad FINGERPRINT');
  t.equal(routeKey(new Uint8Array(0)), undefined);
});
