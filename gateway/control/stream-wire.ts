import type { RtspTransport } from '../config/index.ts';
import type { DurationWire } from './node-info.ts';
import { InvalidFieldError } from './errors.ts';
import { maskSourceUrl } from './source-url.ts';
import type { ProbeTrackInfo } from './source-prober.ts';
import type { StreamEntry, StreamOrigin, StreamStateName } from './stream-registry.ts';
import { toTimestamp, type TimestampWire } from './wire-time.ts';

/** edgegw.v1.RtspTransport value names. */
export type RtspTransportWire =
  'RTSP_TRANSPORT_UNSPECIFIED' | 'RTSP_TRANSPORT_AUTO' | 'RTSP_TRANSPORT_TCP' | 'RTSP_TRANSPORT_UDP';

const TRANSPORT_TO_WIRE: Record<RtspTransport, RtspTransportWire> = {
  auto: 'RTSP_TRANSPORT_AUTO',
  tcp: 'RTSP_TRANSPORT_TCP',
  udp: 'RTSP_TRANSPORT_UDP',
};

const ORIGIN_TO_WIRE: Record<StreamOrigin, string> = {
  config: 'STREAM_ORIGIN_CONFIG',
  runtime: 'STREAM_ORIGIN_RUNTIME',
  builtin: 'STREAM_ORIGIN_BUILTIN',
};

const STATE_TO_WIRE: Record<StreamStateName, string> = {
  unknown: 'STREAM_STATE_UNSPECIFIED',
  starting: 'STREAM_STATE_STARTING',
  online: 'STREAM_STATE_ONLINE',
  offline: 'STREAM_STATE_OFFLINE',
  retrying: 'STREAM_STATE_RETRYING',
};

/**
 * A request's RtspTransport (a name with `enums: String`, or a number a newer client sent) to
 * ours; UNSPECIFIED means auto.
 *
 * @throws InvalidFieldError `field` for a value this node does not know.
 */
export function transportFromWire(value: unknown, field: string): RtspTransport {
  if (value === undefined || value === 'RTSP_TRANSPORT_UNSPECIFIED' || value === 0) return 'auto';
  for (const [ours, wire] of Object.entries(TRANSPORT_TO_WIRE) as [RtspTransport, RtspTransportWire][]) {
    if (value === wire) return ours;
  }
  throw new InvalidFieldError(field, `unknown value ${JSON.stringify(value)}`);
}

/** edgegw.v1.Stream as proto-loader objects. */
export interface StreamWire {
  name: string;
  sourceUrl: string;
  rtspTransport: RtspTransportWire;
  description: string;
  origin: string;
  state: string;
  stateReason: string;
  viewers: number;
  bytesIn: string | number;
  videoCodec: string;
  width: number;
  height: number;
  createdAt: TimestampWire;
  updatedAt: TimestampWire;
}

/** A registry entry on the wire. The source URL is masked here: no response carries a password. */
export function toStreamWire(e: StreamEntry): StreamWire {
  return {
    name: e.name,
    sourceUrl: maskSourceUrl(e.sourceUrl),
    rtspTransport: transportToWire(e.rtspTransport),
    description: e.description,
    origin: ORIGIN_TO_WIRE[e.origin],
    state: STATE_TO_WIRE[e.status.state],
    stateReason: e.status.reason,
    viewers: e.status.viewers,
    bytesIn: e.status.bytesIn,
    videoCodec: e.status.videoCodec,
    width: e.status.width,
    height: e.status.height,
    createdAt: toTimestamp(e.createdAt),
    updatedAt: toTimestamp(e.updatedAt),
  };
}

/** Request shapes of StreamService (proto-loader objects; optional fields absent when unset). */
export interface AddStreamRequestWire {
  name: string;
  sourceUrl: string;
  rtspTransport: RtspTransportWire;
  description: string;
}
export interface UpdateStreamRequestWire {
  name: string;
  sourceUrl?: string;
  rtspTransport?: RtspTransportWire;
  description?: string;
}
export interface ProbeSourceRequestWire {
  sourceUrl: string;
  rtspTransport: RtspTransportWire;
  timeout: DurationWire | null;
  sample: DurationWire | null;
}

/** Our RtspTransport as its edgegw.v1 name. */
export function transportToWire(t: RtspTransport): RtspTransportWire {
  return TRANSPORT_TO_WIRE[t];
}

/** edgegw.v1.ProbeTrack as proto-loader objects. */
export type ProbeTrackWire = ProbeTrackInfo;

/** edgegw.v1.ProbeSourceResponse as proto-loader objects. */
export interface ProbeSourceResponseWire {
  sourceUrl: string;
  server: string;
  tracks: ProbeTrackWire[];
  elapsed: DurationWire;
  auth: string;
  publicMethods: string[];
  rtspTransport: RtspTransportWire;
  playable: boolean;
  notes: string[];
  sampled: DurationWire;
}
