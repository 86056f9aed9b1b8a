import t from 'tap';
import { advertisedIps, loadConfig } from './index.ts';

const ifaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
  eth0: [
    { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
    { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 1 },
  ],
} as unknown as ReturnType<typeof import('node:os').networkInterfaces>;

t.test('public IPs win', async (t) => {
  const { config } = loadConfig({ env: { EDGEGW_WEBRTC_PUBLIC_IPS: '203.0.113.5' } });
  t.same(advertisedIps(config, ifaces), ['203.0.113.5']);
});
t.test('a specific bind address is advertised as is', async (t) => {
  const { config } = loadConfig({ env: { EDGEGW_WEBRTC_ADDR: '127.0.0.1:0' } });
  t.same(advertisedIps(config, ifaces), ['127.0.0.1']);
});
t.test('wildcard bind advertises interface IPv4 addresses, loopback last', async (t) => {
  const { config } = loadConfig({ env: {} });
  t.same(advertisedIps(config, ifaces), ['192.168.1.20', '127.0.0.1']);
});
