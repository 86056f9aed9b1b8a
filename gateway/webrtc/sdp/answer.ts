import sdpTransform from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import type {
  CandidateLine,
  Codec,
  Direction,
  MediaSection,
  RemoteDescription,
} from './session-description.ts';

/** What the answerer decided for one offered m-line; `undefined` rejects it (port 0, out of BUNDLE). */
export interface SectionAnswer {
  readonly codecs: readonly Codec[];
  readonly direction: Direction;
  /** RTCP feedback we support, echoed only where the offer has it (RFC 4585 §4.2). */
  readonly rtcpFb?: readonly string[];
  /** Our sending source, when direction includes send: announced with a=ssrc cname and a=msid. */
  readonly send?: {
    readonly ssrc: number;
    readonly cname: string;
    readonly streamId: string;
    readonly trackId: string;
  };
}

export interface AnswerParams {
  readonly iceUfrag: string;
  readonly icePwd: string;
  /** RFC 8445 §2.5: the gateway answers as an ICE-lite agent. */
  readonly iceLite: boolean;
  readonly fingerprint: { readonly algorithm: string; readonly value: string };
  /** RFC 5763 §5: the answerer picks `active` or `passive` (never actpass). */
  readonly setup: 'active' | 'passive';
  readonly candidates: readonly CandidateLine[];
  readonly sessionId?: string;
  /** Decides each section; see {@link SectionAnswer}. */
  decide(section: MediaSection): SectionAnswer | undefined;
}

function fmtpString(f: Readonly<Record<string, string>>): string {
  return Object.entries(f)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(';');
}

/**
 * Builds the SDP answer to a parsed offer (RFC 8829 §5.3): every offered m-line answered in order
 * with the same mid; accepted ones share the transport of the BUNDLE (RFC 9143 §7.3) and carry the ICE
 * credentials, fingerprint, setup and candidates; rejected ones get port 0 and leave the group.
 *
 * @example
 * const answer = createAnswer(parseRemoteDescription(offer), { ...local, decide: pickH264 });
 */
export function createAnswer(offer: RemoteDescription, p: AnswerParams): string {
  const accepted: string[] = [];
  const media: MediaDescription[] = offer.media.map((m) => {
    const d = m.port === 0 ? undefined : p.decide(m);
    const base = {
      type: m.kind,
      protocol: m.protocol,
      mid: m.mid,
      connection: { version: 4, ip: '0.0.0.0' },
    };
    if (!d || d.codecs.length === 0) {
      return {
        ...base,
        port: 0,
        payloads: m.codecs[0] ? String(m.codecs[0].payloadType) : '0',
        rtp: [],
        fmtp: [],
        direction: 'inactive',
      } as MediaDescription;
    }
    accepted.push(m.mid);
    const fbs = d.codecs.flatMap((c) =>
      (d.rtcpFb ?? [])
        .filter((fb) => c.rtcpFb.includes(fb))
        .map((fb) => {
          const [type, subtype] = fb.split(' ');
          return subtype
            ? { payload: c.payloadType, type: type as string, subtype }
            : { payload: c.payloadType, type: type as string };
        }),
    );
    const out: MediaDescription = {
      ...base,
      port: 9,
      payloads: d.codecs.map((c) => c.payloadType).join(' '),
      rtp: d.codecs.map((c) => ({
        payload: c.payloadType,
        codec: c.name,
        rate: c.clockRate,
        ...(c.channels ? { encoding: c.channels } : {}),
      })),
      fmtp: d.codecs
        .filter((c) => Object.keys(c.fmtp).length > 0)
        .map((c) => ({ payload: c.payloadType, config: fmtpString(c.fmtp) })),
      rtcpFb: fbs,
      rtcp: { port: 9, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
      iceUfrag: p.iceUfrag,
      icePwd: p.icePwd,
      fingerprint: { type: p.fingerprint.algorithm, hash: p.fingerprint.value },
      setup: p.setup,
      direction: d.direction,
      rtcpMux: 'rtcp-mux',
      ...(m.rtcpRsize ? { rtcpRsize: 'rtcp-rsize' as const } : {}),
      candidates: p.candidates.map((c) => ({ ...c })),
      endOfCandidates: 'end-of-candidates',
    };
    if (d.send) {
      out.msid = [{ id: d.send.streamId, appdata: d.send.trackId }];
      out.ssrcs = [
        { id: d.send.ssrc, attribute: 'cname', value: d.send.cname },
        { id: d.send.ssrc, attribute: 'msid', value: `${d.send.streamId} ${d.send.trackId}` },
      ];
    }
    return out;
  });
  const session: SessionDescription = {
    version: 0,
    origin: {
      username: '-',
      sessionId: p.sessionId ?? '0',
      sessionVersion: 2,
      netType: 'IN',
      ipVer: 4,
      address: '127.0.0.1',
    },
    name: '-',
    timing: { start: 0, stop: 0 },
    ...(p.iceLite ? { icelite: 'ice-lite' as const } : {}),
    groups: accepted.length > 0 ? [{ type: 'BUNDLE', mids: accepted.join(' ') }] : [],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media,
  };
  return sdpTransform.write(session);
}
