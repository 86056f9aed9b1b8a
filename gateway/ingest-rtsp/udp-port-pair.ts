import type { DatagramConn, Net } from '../webrtc/transport/index.ts';
import { RtspError } from './errors.ts';

/**
 * Binds an even RTP port and the odd RTCP port above it (RFC 3550 §11), retrying on odd or taken
 * ports; `RTSP_CONNECT` when no pair binds in 20 tries.
 *
 * @example
 * const [rtp, rtcp] = await bindUdpPair(udpNet, '0.0.0.0'); // e.g. 50000 and 50001
 */
export async function bindUdpPair(net: Net, address: string): Promise<[DatagramConn, DatagramConn]> {
  for (let tries = 0; tries < 20; tries++) {
    const rtp = await net.listenUdp(address, 0);
    if (rtp.localAddr.port % 2 !== 0 || rtp.localAddr.port >= 65535) {
      rtp.close();
      continue;
    }
    try {
      const rtcp = await net.listenUdp(address, rtp.localAddr.port + 1);
      return [rtp, rtcp];
    } catch {
      rtp.close();
    }
  }
  throw new RtspError('RTSP_CONNECT', 'could not bind an even/odd UDP port pair');
}
