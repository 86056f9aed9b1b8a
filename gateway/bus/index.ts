export { startBus, type Bus, type BusOptions } from './bus.ts';
export { startNatsChild, type NatsChild } from './nats-child.ts';
export { subjects } from './subjects.ts';
export { which } from './which.ts';
export { NatsChildError, BusConnectError } from './errors.ts';
