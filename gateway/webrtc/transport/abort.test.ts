import t from 'tap';
import { getEventListeners } from 'node:events';
import { closeOnAbort } from './abort.ts';
import { createPipe } from './pipe.ts';
import { UdpMux } from './udp-mux.ts';
import { createUdpNet } from './udp-conn.ts';
import { VNet } from './vnet.ts';
import { ManualClock } from './manual-clock.ts';

t.test('closeOnAbort: fires once with a typed error; at once if already aborted; detachable', async (t) => {
  const ac = new AbortController();
  const errs: Error[] = [];
  closeOnAbort(ac.signal, 'thing', (e) => errs.push(e));
  const detach = closeOnAbort(ac.signal, 'other', () => t.fail('detached listener ran'));
  detach();
  ac.abort(new Error('shutdown'));
  ac.abort();
  t.equal(errs.length, 1);
  t.match(errs[0], { code: 'TRANSPORT_ABORTED', message: 'thing aborted', cause: { message: 'shutdown' } });
  let late = 0;
  closeOnAbort(ac.signal, 'late', () => late++);
  t.equal(late, 1, 'already aborted: closes at once');
  closeOnAbort(undefined, 'none', () => t.fail('no signal, no close'))();
});

t.test('a signal closes pipes, muxes, vnets and udp conns', async (t) => {
  const ac = new AbortController();
  const [a, b] = createPipe({ signal: ac.signal });
  const [, s] = createPipe();
  const mux = new UdpMux(s, { routeKey: () => undefined, signal: ac.signal });
  const ep = mux.endpoint('x');
  const vnet = new VNet({ clock: new ManualClock(), signal: ac.signal });
  const v = await vnet.host('10.0.0.1').listenUdp('0.0.0.0', 0);
  const net = createUdpNet({ signal: ac.signal });
  const u = await net.listenUdp('127.0.0.1', 0);
  ac.abort();
  t.ok(a.closed && b.closed, 'pipe');
  t.ok(mux.closed && ep.closed && s.closed, 'mux, endpoint and shared conn');
  t.match(ep.error, { code: 'TRANSPORT_ABORTED' });
  t.ok(vnet.closed && v.closed, 'vnet');
  t.ok(u.closed, 'udp conn');
  await t.rejects(net.listenUdp('127.0.0.1', 0), { code: 'TRANSPORT_ABORTED' });
});

t.test('closing first detaches from the signal', async (t) => {
  const ac = new AbortController();
  const net = createUdpNet({ signal: ac.signal });
  const u = await net.listenUdp('127.0.0.1', 0);
  const [p, q] = createPipe({ signal: ac.signal });
  const vnet = new VNet({ clock: new ManualClock(), signal: ac.signal });
  t.equal(getEventListeners(ac.signal, 'abort').length, 3);
  u.close();
  p.close();
  t.equal(getEventListeners(ac.signal, 'abort').length, 2, 'a pipe detaches only when both ends closed');
  q.close();
  vnet.close();
  t.equal(getEventListeners(ac.signal, 'abort').length, 0, 'nothing closed stays attached');
});
