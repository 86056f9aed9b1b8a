import sdpTransform from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { SdpError } from './errors.ts';
import type {
  CandidateLine,
  Codec,
  Direction,
  MediaSection,
  RemoteDescription,
  Setup,
} from './session-description.ts';

function parseFmtp(config: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of config.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim()) out[part.trim().toLowerCase()] = '';
      continue;
    }
    out[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return out;
}

function codecsOf(m: MediaDescription): Codec[] {
  const order = String(m.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return (m.rtp ?? [])
    .map((r) => ({
      payloadType: r.payload,
      name: r.codec,
      clockRate: r.rate ?? 90000,
      channels: r.encoding,
      fmtp: parseFmtp(m.fmtp?.find((f) => f.payload === r.payload)?.config ?? ''),
      rtcpFb: (m.rtcpFb ?? [])
        .filter((f) => String(f.payload) === String(r.payload) || f.payload === '*')
        .map((f) => (f.subtype ? `${f.type} ${f.subtype}` : f.type)),
    }))
    .sort((a, b) => order.indexOf(a.payloadType) - order.indexOf(b.payloadType));
}

/**
 * The value of the first `a=<name>:` line of m-section `mediaIndex` (-1: the session part), exactly
 * as written (RFC 8866 §5: `a=<attribute-name>:<attribute-value>`), trimmed.
 */
function rawAttribute(text: string, mediaIndex: number, name: string): string | undefined {
  const prefix = `a=${name}:`;
  let section = -1;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('m=')) section++;
    else if (section === mediaIndex && line.startsWith(prefix)) {
      const v = line.slice(prefix.length).trim();
      return v.length > 0 ? v : undefined;
    }
    if (section > mediaIndex) return undefined;
  }
  return undefined;
}

function directionOf(m: MediaDescription, s: SessionDescription): Direction {
  return (m.direction ?? s.direction ?? 'sendrecv') as Direction;
}

/**
 * Parses a remote offer or answer (sdp-transform grammar) into the typed view the gateway negotiates
 * on. WebRTC's rules are checked here, once: BUNDLE (RFC 9143) and rtcp-mux (RFC 5761) are required,
 * as are ICE credentials (RFC 8839 §5.4) and a DTLS fingerprint (RFC 8122 §5) for the bundle.
 *
 * @example
 * const offer = parseRemoteDescription(sdpText);
 * offer.media[0].codecs.find((c) => c.name === 'H264');
 */
export function parseRemoteDescription(text: string): RemoteDescription {
  try {
    return parseChecked(text);
  } catch (err) {
    if (err instanceof SdpError) throw err;
    // The grammar library's objects can surprise (numbers for ids, missing fields): never let a
    // TypeError escape as a 500; the description is simply not one we can negotiate.
    throw new SdpError('SDP_PARSE', `malformed session description: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function parseChecked(text: string): RemoteDescription {
  let s: SessionDescription;
  try {
    s = sdpTransform.parse(text);
  } catch (err) {
    throw new SdpError('SDP_PARSE', `not a session description: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(s.media) || s.media.length === 0 || s.version !== 0) {
    throw new SdpError('SDP_NO_MEDIA', 'the session description has no media sections');
  }
  const group = s.groups?.find((g) => g.type === 'BUNDLE');
  if (!group) throw new SdpError('SDP_NO_BUNDLE', 'BUNDLE is required (a=group:BUNDLE)');
  // sdp-transform turns a lone numeric mid (`a=group:BUNDLE 0`) into a number: read it as text.
  const bundle = String(group.mids).split(/\s+/).filter(Boolean);
  const first = s.media.find((m) => m.mid !== undefined && String(m.mid) === bundle[0]);
  if (!first) throw new SdpError('SDP_NO_BUNDLE', `BUNDLE names mid ${bundle[0]} but no m-line has it`);
  // Read from the text, not the grammar library's object: it turns an all-digit value into a number
  // (werift's 4-hex-digit ufrags are all digits one time in seven), and a 22-digit ice-pwd into a
  // float that has lost digits. Credentials are compared as strings (RFC 8445 §7.3).
  const firstIndex = s.media.indexOf(first);
  const ufrag = rawAttribute(text, firstIndex, 'ice-ufrag') ?? rawAttribute(text, -1, 'ice-ufrag');
  const pwd = rawAttribute(text, firstIndex, 'ice-pwd') ?? rawAttribute(text, -1, 'ice-pwd');
  if (!ufrag || !pwd) throw new SdpError('SDP_NO_ICE_CREDENTIALS', 'a=ice-ufrag and a=ice-pwd are required');
  const fp = first.fingerprint ?? s.fingerprint;
  if (!fp) throw new SdpError('SDP_NO_FINGERPRINT', 'a=fingerprint is required for DTLS-SRTP');
  const setup = (first.setup ?? s.setup ?? 'actpass') as Setup;
  if (!['actpass', 'active', 'passive'].includes(setup)) {
    throw new SdpError('SDP_BAD_SETUP', `a=setup:${setup} is not actpass, active or passive`);
  }
  const media: MediaSection[] = s.media.map((m, i) => {
    const rtcpMux = m.rtcpMux === 'rtcp-mux';
    if (m.type !== 'application' && m.port !== 0 && !rtcpMux) {
      throw new SdpError(
        'SDP_NO_RTCP_MUX',
        `m-line ${i} (${m.type}) lacks a=rtcp-mux, which WebRTC requires`,
      );
    }
    return {
      mid: m.mid === undefined ? String(i) : String(m.mid),
      kind: m.type,
      protocol: m.protocol,
      port: m.port,
      direction: directionOf(m, s),
      codecs: codecsOf(m),
      extmaps: (m.ext ?? []).map((e) => ({ id: e.value, uri: e.uri })),
      rtcpMux,
      rtcpRsize: m.rtcpRsize === 'rtcp-rsize',
    };
  });
  const candidates: CandidateLine[] = s.media
    .flatMap((m) => m.candidates ?? [])
    .map((c) => ({
      foundation: String(c.foundation),
      component: c.component,
      transport: c.transport,
      priority: c.priority,
      ip: c.ip,
      port: c.port,
      type: c.type,
      raddr: c.raddr,
      rport: c.rport,
      tcptype: c.tcptype,
    }));
  return {
    iceUfrag: ufrag,
    icePwd: pwd,
    iceLite: s.icelite === 'ice-lite',
    iceOptions: String(first.iceOptions ?? s.iceOptions ?? '')
      .split(/\s+/)
      .filter(Boolean),
    fingerprint: { algorithm: fp.type.toLowerCase(), value: fp.hash.toUpperCase() },
    setup,
    bundle,
    candidates,
    media,
  };
}
