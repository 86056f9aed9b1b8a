export type { Addr } from './addr.ts';
export { addr, addrKey, sameAddr } from './addr.ts';
export type { DatagramConn, DatagramHandler, CloseHandler } from './datagram-conn.ts';
export type { Clock, Timer } from './clock.ts';
export { systemClock } from './system-clock.ts';
export { ManualClock } from './manual-clock.ts';
export type { Net } from './net.ts';
export { TransportError, TransportClosedError, TransportSendError } from './errors.ts';
