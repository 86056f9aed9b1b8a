import type { DatagramConn } from './datagram-conn.ts';

/**
 * The network, injected: the gateway passes the real UDP implementation, tests a virtual network.
 *
 * @example
 * const conn = await net.listenUdp('127.0.0.1', 0);
 * conn.send(bytes, { address: '127.0.0.1', port: 9, family: 'IPv4' });
 */
export interface Net {
  /** Binds an unconnected UDP packet conn on `address:port` (port 0 = ephemeral). */
  listenUdp(address: string, port: number): Promise<DatagramConn>;
}
