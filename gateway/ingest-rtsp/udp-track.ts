import { addr, type Addr, type Clock, type DatagramConn } from '../webrtc/transport/index.ts';
import type { RtspClientOptions } from './client-options.ts';
import { ReceiverReporter } from './receiver-reporter.ts';
import type { PacketKind, SetupTrack } from './setup-track.ts';

/** An IPv4 dotted quad or an IPv6 literal (a DNS name is neither). */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

export interface UdpTrackWiring {
  st: SetupTrack;
  rtp: DatagramConn;
  rtcp: DatagramConn;
  /** The camera: Transport `source=` or the URL's host. An IP filters senders; a DNS name cannot. */
  camera: string;
  /** The camera's RTCP port (Transport `server_port`), where receiver reports go; none: no RRs. */
  cameraRtcpPort: number | undefined;
  clock: Clock;
  rtcpOptions: RtspClientOptions['rtcp'];
  deliver(st: SetupTrack, payload: Uint8Array, kind: PacketKind): void;
  /** A datagram from someone other than the camera was dropped. */
  foreign(): void;
}

/**
 * Wires a UDP track's two sockets: only the camera may feed the track (anyone who can reach our
 * ports could inject media otherwise), RTCP sizes feed the report interval, and a
 * {@link ReceiverReporter} is attached to `st.reporter` to send RRs to the camera's RTCP port at
 * its IP or, for a DNS name, the address its packets come from. The caller starts it after PLAY.
 */
export function wireUdpTrack(w: UdpTrackWiring): void {
  const { st } = w;
  const literal = isIpLiteral(w.camera);
  const accept = literal ? (from: Addr) => from.address === w.camera : () => true;
  let cameraIp = literal ? w.camera : undefined;
  let cameraRtcp: Addr | undefined;
  w.rtp.onData((data, from) => {
    if (!accept(from)) return w.foreign();
    cameraIp ??= from.address;
    w.deliver(st, data, 'rtp');
  });
  w.rtcp.onData((data, from) => {
    if (!accept(from)) return w.foreign();
    cameraIp ??= from.address;
    st.reporter?.onRtcpReceived(data.length);
    w.deliver(st, data, 'rtcp');
  });
  const port = w.cameraRtcpPort;
  if (port === undefined) return;
  st.reporter = new ReceiverReporter({
    clock: w.clock,
    reception: st.reception,
    ...w.rtcpOptions,
    send: (bytes) => {
      if (cameraIp === undefined || w.rtcp.closed) return;
      cameraRtcp ??= addr(cameraIp, port);
      w.rtcp.send(bytes, cameraRtcp);
    },
  });
}
