import type { Candidate, CandidateType, TcpType } from './candidate.ts';
import { IceError } from './errors.ts';

/*
 * The SDP `candidate` attribute (RFC 8839 §5.1):
 *
 *   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                         connection-address SP port SP cand-type [SP rel-addr] [SP rel-port]
 *                         *(SP cand-extension)
 *   foundation  = 1*32ice-char          component-id = 1*3DIGIT
 *   transport   = "UDP" / token         priority     = 1*10DIGIT
 *   cand-type   = "typ" SP ("host" / "srflx" / "prflx" / "relay" / token)
 *   rel-addr    = "raddr" SP connection-address      rel-port = "rport" SP port
 *   cand-extension = extension-att-name SP extension-att-value
 *
 * TCP candidates carry `tcptype active|passive|so` (RFC 6544 §4.5) as an extension.
 */

const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/;
const DIGITS = (max: number) => new RegExp(`^\\d{1,${max}}$`);
const TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];
const TCP_TYPES: readonly TcpType[] = ['active', 'passive', 'so'];

interface Token {
  text: string;
  at: number;
}

/**
 * Parses one candidate attribute, with or without the `a=` prefix (`candidate:...`, as in SDP and in
 * `RTCIceCandidate.candidate`). Throws {@link IceError} `ICE_BAD_CANDIDATE` with the character offset.
 * Unknown candidate types and transports are errors (the caller ignores such candidates, RFC 8445 §5.1).
 *
 * @example
 * parseCandidate('candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host generation 0');
 */
export function parseCandidate(line: string): Candidate {
  let start = 0;
  if (line.startsWith('a=')) start = 2;
  if (!line.startsWith('candidate:', start)) {
    throw new IceError('ICE_BAD_CANDIDATE', 'missing "candidate:"', { offset: start });
  }
  start += 'candidate:'.length;
  const end = line.replace(/\r?\n$/, '').length;
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    let j = line.indexOf(' ', i);
    if (j < 0 || j > end) j = end;
    if (j === i) throw new IceError('ICE_BAD_CANDIDATE', 'empty field (double space)', { offset: i });
    tokens.push({ text: line.slice(i, j), at: i });
    i = j + 1;
    if (j < end && i === end) throw new IceError('ICE_BAD_CANDIDATE', 'trailing space', { offset: j });
  }
  let k = 0;
  const next = (what: string): Token => {
    const t = tokens[k++];
    if (!t) throw new IceError('ICE_BAD_CANDIDATE', `missing ${what}`, { offset: end });
    return t;
  };
  const bad = (t: Token, why: string) => new IceError('ICE_BAD_CANDIDATE', why, { offset: t.at });
  const port = (t: Token) => {
    if (!DIGITS(5).test(t.text) || Number(t.text) > 65535) throw bad(t, `bad port ${JSON.stringify(t.text)}`);
    return Number(t.text);
  };
  const address = (t: Token) => {
    // connection-address: an IP literal or an FQDN (mDNS names included); no spaces, visible chars.
    if (!/^[\x21-\x7e]+$/.test(t.text)) throw bad(t, 'bad connection-address');
    return t.text;
  };

  const f = next('foundation');
  if (!FOUNDATION.test(f.text)) throw bad(f, 'bad foundation');
  const comp = next('component-id');
  if (!DIGITS(3).test(comp.text) || Number(comp.text) < 1 || Number(comp.text) > 256) {
    throw bad(comp, 'bad component-id');
  }
  const tr = next('transport');
  const transport = tr.text.toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') throw bad(tr, `unsupported transport ${tr.text}`);
  const pr = next('priority');
  if (!DIGITS(10).test(pr.text) || Number(pr.text) > 0xffffffff) throw bad(pr, 'bad priority');
  const a = address(next('connection-address'));
  const p = port(next('port'));
  const typ = next('"typ"');
  if (typ.text !== 'typ') throw bad(typ, 'expected "typ"');
  const ty = next('candidate type');
  const type = ty.text as CandidateType;
  if (!TYPES.includes(type)) throw bad(ty, `unknown candidate type ${ty.text}`);

  const c: Candidate = {
    foundation: f.text,
    component: Number(comp.text),
    transport,
    priority: Number(pr.text),
    address: a,
    port: p,
    type,
    extensions: [],
  };
  while (k < tokens.length) {
    const name = next('extension name');
    const value = next(`value of ${name.text}`);
    if (name.text === 'raddr' && c.relatedAddress === undefined) c.relatedAddress = address(value);
    else if (name.text === 'rport' && c.relatedPort === undefined) c.relatedPort = port(value);
    else if (name.text === 'tcptype' && c.tcpType === undefined) {
      if (!TCP_TYPES.includes(value.text as TcpType)) throw bad(value, `bad tcptype ${value.text}`);
      c.tcpType = value.text as TcpType;
    } else c.extensions.push([name.text, value.text]);
  }
  return c;
}

/**
 * Formats a candidate as `candidate:...` (no `a=`, no line end), the form of RFC 8839 §5.1 and of
 * `RTCIceCandidate.candidate`.
 */
export function formatCandidate(c: Candidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  for (const [n, v] of c.extensions) s += ` ${n} ${v}`;
  return s;
}
