import { formatCandidate, IceAgent } from '../gateway/webrtc/ice/index.ts';
import { createUdpNet, systemClock, type DatagramConn } from '../gateway/webrtc/transport/index.ts';

/*
 * Helpers for the interop tests of our ICE-lite agent (the gateway's answer side) against peers that
 * offer a data channel: build the lite agent from an offer, and an answer SDP from the agent. The
 * answer names a placeholder DTLS fingerprint: these tests stop at ICE (and the first DTLS flight).
 */

const udpNet = createUdpNet({ unref: false });

/** The parts of an offer ICE needs. */
export function iceOf(sdp: string) {
  const get = (re: RegExp) => re.exec(sdp)?.[1]?.trim() ?? '';
  return {
    ufrag: get(/^a=ice-ufrag:(.+)$/m),
    pwd: get(/^a=ice-pwd:(.+)$/m),
    mid: get(/^a=mid:(.+)$/m),
    candidates: [...sdp.matchAll(/^a=(candidate:.+)$/gm)].map((m) => (m[1] as string).trim()),
  };
}

/** A data-channel answer from an ICE-lite, DTLS-passive side; the fingerprint is a placeholder. */
export function answerFor(agent: IceAgent, mid: string): string {
  const fp = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(
    ':',
  );
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=ice-lite',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    `a=ice-ufrag:${agent.localCredentials.ufrag}`,
    `a=ice-pwd:${agent.localCredentials.pwd}`,
    `a=fingerprint:sha-256 ${fp}`,
    'a=setup:passive',
    'a=sctp-port:5000',
    ...agent.localCandidates().map((c) => `a=${formatCandidate(c)}`),
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

export async function liteAgentFor(offer: string, t: { teardown(fn: () => void): void }) {
  const conn = await udpNet.listenUdp('127.0.0.1', 0);
  const agent = new IceAgent({ clock: systemClock, conn, role: 'controlled', lite: true });
  t.teardown(() => agent.close());
  const ice = iceOf(offer);
  agent.setRemoteCredentials(ice.ufrag, ice.pwd);
  for (const c of ice.candidates) agent.addRemoteCandidate(c);
  agent.addRemoteCandidate(null);
  agent.start();
  return { agent, ice };
}

export const firstDatagram = (c: DatagramConn) =>
  new Promise<Uint8Array>((resolve) => c.onData((d) => resolve(d)));
