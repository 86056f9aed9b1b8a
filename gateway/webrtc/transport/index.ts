/**
 * webrtc/transport: where bytes meet the network. The {@link DatagramConn} interface every layer of
 * the stack speaks, the injected {@link Clock} and {@link Net}, and the conns behind them: in-memory
 * pipes, real UDP, the RFC 7983 demultiplexer, the single-port UDP mux and a virtual network.
 *
 * @example
 * // Two layers wired in memory, delivery synchronous:
 * const [a, b] = createPipe();
 * b.onData((data, from) => b.send(data)); // echo
 * a.send(new Uint8Array([0x80, 1, 2]));
 *
 * @example
 * // The gateway's one UDP port: sessions by ICE ufrag, then by remote address; per session, RFC 7983.
 * const mux = new UdpMux(await udpNet.listenUdp('0.0.0.0', 8189), { routeKey: stunLocalUfrag });
 * const session = createDemux(mux.endpoint(localUfrag));
 * session.stun.onData(onStun);
 * session.dtls.onData(onDtls);
 * session.rtp.onData(onSrtp);
 *
 * @example
 * // ICE across a NAT with loss, deterministically:
 * const clock = new ManualClock();
 * const vnet = new VNet({ clock, seed: 1, defaults: { delayMs: 25, loss: 0.02 } });
 * const nat = vnet.nat({ publicIp: '203.0.113.1' });
 * const client = vnet.host('192.168.0.2', { behind: nat });
 * const server = vnet.host('198.51.100.7');
 * const conn = await client.listenUdp('0.0.0.0', 0); // client is a Net
 * clock.advance(1000);
 *
 * @module
 */
export type { Addr } from './addr.ts';
export { addr, addrKey, sameAddr } from './addr.ts';
export { AddrMap } from './addr-map.ts';
export type { DatagramConn, DatagramHandler, CloseHandler } from './datagram-conn.ts';
export type { ConnStats, BaseConnInit } from './base-conn.ts';
export { BaseConn } from './base-conn.ts';
export type { Clock, Timer } from './clock.ts';
export { systemClock } from './system-clock.ts';
export { ManualClock } from './manual-clock.ts';
export type { Net } from './net.ts';
export {
  TransportError,
  TransportClosedError,
  TransportSendError,
  TransportSocketError,
  TransportBindError,
  TransportMuxError,
  TransportAbortedError,
} from './errors.ts';
export { closeOnAbort } from './abort.ts';
export type { PipeOptions } from './pipe.ts';
export { createPipe, PipeConn } from './pipe.ts';
export type { PacketClass, MatchRule, DemuxStats } from './demux.ts';
export { RFC7983_MATCH_TABLE, classify, createDemux, Demux, DemuxConn } from './demux.ts';
export type { UdpNet, UdpNetOptions, UdpConnStats } from './udp-conn.ts';
export { udpNet, createUdpNet, UdpConn, UDP4_MAX_DATAGRAM, UDP6_MAX_DATAGRAM } from './udp-conn.ts';
export type { UdpMuxOptions, UdpMuxStats } from './udp-mux.ts';
export { UdpMux, MuxEndpoint } from './udp-mux.ts';
export { Prng } from './prng.ts';
export type { LinkConditions, DeliveryPlan } from './link-conditions.ts';
export { planDelivery } from './link-conditions.ts';
export type { VNetOptions, VNetStats } from './vnet.ts';
export { VNet } from './vnet.ts';
export { VHost, VConn } from './vnet-host.ts';
export type { NatOptions, NatFiltering, NatStats } from './vnet-nat.ts';
export { VNat } from './vnet-nat.ts';
export type {
  ConformanceTest,
  ConformancePair,
  ConformanceFactory,
  ConformanceOptions,
} from './conformance.ts';
export { datagramConnConformance } from './conformance.ts';
