import type { ReceiverReporter } from './receiver-reporter.ts';
import type { ReceptionStats } from '../webrtc/interceptor/index.ts';
import type { RtspTrack } from './track.ts';

export type RtspTransport = 'tcp' | 'udp';

export type PacketKind = 'rtp' | 'rtcp';

/** A track as set up (RFC 2326 §10.4 SETUP): how its packets arrive, and what it received. */
export interface SetupTrack {
  track: RtspTrack;
  transport: RtspTransport;
  /** TCP: the interleaved channels (RTP, RTCP). */
  channels?: [number, number];
  /** UDP: our ports and the camera's. */
  clientPorts?: [number, number];
  serverPorts?: [number, number];
  /** The SSRC the camera announced in Transport, if it did. */
  ssrc?: number;
  /** Sequence, loss and jitter of the track's RTP (RFC 3550 A.1/A.3/A.8), for RRs and metrics. */
  reception: ReceptionStats;
  /** Receiver reports to the camera (RFC 3550 §6.4.2): UDP to its RTCP port, TCP on the RTCP channel. */
  reporter?: ReceiverReporter;
}
