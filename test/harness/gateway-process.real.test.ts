import t from 'tap';
import { existsSync } from 'node:fs';
import { startGatewayProcess } from './gateway-process.ts';

// The real gateway/main.ts through the harness: the contract the stand-in test assumes holds.
t.test('the real gateway starts on ephemeral loopback ports and stops gracefully', async (t) => {
  const gw = await startGatewayProcess(t);
  t.comment(`gateway ready in ${gw.process.readyMs} ms: ${gw.http} grpc ${gw.grpc} webrtc ${gw.webrtc.port}`);
  t.match(gw.http, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.match(gw.grpc, /^127\.0\.0\.1:\d+$/);
  t.equal(gw.webrtc.host, '127.0.0.1');
  t.not(gw.webrtc.port, 8189, 'not the default port: EDGEGW_WEBRTC_ADDR applied');

  const health = await fetch(`${gw.http}/healthz`);
  t.equal(health.status, 200);

  const exit = await gw.stop();
  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'graceful exit on SIGTERM');
  t.comment(`gateway stopped in ${exit.ms} ms`);
  t.ok(gw.logEntries().some((e) => e.msg === 'shutting down' && e.signal === 'SIGTERM'));
  t.notOk(existsSync(gw.dataDir), 'temp data dir removed');
});
