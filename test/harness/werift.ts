/**
 * werift (pure-TypeScript WebRTC) as an independent WHEP viewer, bound to loopback as TESTING.md says.
 */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import type { Teardown } from './process.ts';

/**
 * A werift peer with one recvonly H.264 (packetization-mode 1, NACK/PLI) transceiver, closed at
 * teardown. Checks only from its loopback socket: its other host socket (the machine's interface
 * address, bound to the wildcard) also reaches 127.0.0.1 and werift nominates both pairs; with equal
 * priorities an ICE-lite agent may select one while werift sends DTLS on the other (seen ~1 run in
 * 10: ICE connected, DTLS never starts).
 */
export function weriftWhepViewer(t: Teardown): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceUseIpv6: false,
    iceFilterCandidatePair: (pair) => pair.localCandidate.host === '127.0.0.1',
    codecs: {
      audio: [],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90000,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
          parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
        }),
      ],
    },
  });
  t.teardown(() => pc.close());
  pc.addTransceiver('video', { direction: 'recvonly' });
  return pc;
}

/** werift's complete offer (after gathering), loopback candidates only: other hosts and mDNS names dropped. */
export async function weriftOffer(pc: RTCPeerConnection): Promise<string> {
  const gathered = new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve());
  });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered;
  return (pc.localDescription?.sdp ?? '')
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || / 127\.0\.0\.1 \d+ typ /.test(l))
    .join('\r\n');
}
