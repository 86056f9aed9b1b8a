import t from 'tap';
import { ManualClock, VNet, type DatagramConn } from '../transport/index.ts';
import { encodeStun, newTransactionId, shortTermKey, StunMethod } from '../stun/index.ts';
import { IceAgent } from './index.ts';

/*
 * A controlling peer that nominates two pairs of equal priority and then sends its data on the
 * second (seen with werift: two host sockets, both nominated). The lite agent must follow the
 * peer's traffic to the other nominated pair instead of dropping its DTLS; an address that was
 * never nominated still gets nothing through.
 */
t.test('lite agent follows data onto another nominated pair; never onto an unnominated one', async (t) => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, seed: 1, defaults: { delayMs: 1 } });
  t.teardown(() => vnet.close());
  const peerHost = vnet.host('10.0.0.1');
  const p1 = await peerHost.listenUdp('10.0.0.1', 5001);
  const p2 = await peerHost.listenUdp('10.0.0.1', 5002);
  const p3 = await peerHost.listenUdp('10.0.0.1', 5003);
  const liteConn = await vnet.host('10.0.0.2').listenUdp('10.0.0.2', 8189);
  const lite = new IceAgent({ clock, conn: liteConn, role: 'controlled', lite: true });
  t.teardown(() => lite.close());
  lite.setRemoteCredentials('peer', 'peerpasswordpeerpassword');
  lite.start();
  const key = shortTermKey(lite.localCredentials.pwd);
  const check = (from: DatagramConn, nominate: boolean) =>
    from.send(
      encodeStun(
        {
          cls: 'request',
          method: StunMethod.Binding,
          transactionId: newTransactionId(),
          attrs: {
            username: `${lite.localCredentials.ufrag}:peer`,
            priority: 1_000_000,
            iceControlling: 42n,
            ...(nominate ? { useCandidate: true } : {}),
          },
        },
        { integrityKey: key, fingerprint: true },
      ),
      liteConn.localAddr,
    );
  check(p1, true);
  clock.advance(5);
  check(p2, true);
  check(p3, false);
  clock.advance(5);
  const conn = await lite.connected;
  const got: number[] = [];
  conn.onData((d) => got.push(d[1]!));
  const dtls = (n: number) => Uint8Array.of(22, n, 0xfe, 0xfd);
  p2.send(dtls(2), liteConn.localAddr); // data on the second nominated pair
  p3.send(dtls(3), liteConn.localAddr); // data from a checked but never nominated address
  clock.advance(5);
  t.same(got, [2], 'the nominated pair’s data arrives; the unnominated one is dropped');
  t.equal(lite.selectedPair?.remoteAddr.port, 5002, 'and the agent now answers there');
  const back: number[] = [];
  p2.onData((d) => d[0]! > 3 && back.push(d[0]!)); // STUN responses (first byte 0-3) aside
  conn.send(Uint8Array.of(23, 0));
  clock.advance(5);
  t.same(back, [23], 'replies go to the pair the peer uses');
});
