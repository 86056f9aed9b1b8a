/**
 * The `Transport` header (RFC 2326 §12.39), the parts a PLAY client uses:
 *
 * ```
 * Transport = "Transport" ":" 1#transport-spec
 * transport-spec = transport-protocol "/" profile [ "/" lower-transport ] *( ";" parameter )
 *   e.g. RTP/AVP/TCP;unicast;interleaved=0-1
 *        RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=1A2B3C4D
 * ```
 */
export interface TransportSpec {
  /** `RTP/AVP`, `RTP/AVP/TCP`, `RTP/AVP/UDP` as sent (upper-cased). */
  protocol: string;
  lower: 'TCP' | 'UDP';
  unicast: boolean;
  interleaved?: [number, number];
  clientPort?: [number, number];
  serverPort?: [number, number];
  /** Hex SSRC as the server announced it. */
  ssrc?: number;
  source?: string;
  mode?: string;
}

/** Builds our request value: TCP interleaved channels or UDP client ports. */
export function formatTransport(
  spec: { lower: 'TCP'; interleaved: [number, number] } | { lower: 'UDP'; clientPort: [number, number] },
): string {
  return spec.lower === 'TCP'
    ? `RTP/AVP/TCP;unicast;interleaved=${spec.interleaved[0]}-${spec.interleaved[1]}`
    : `RTP/AVP;unicast;client_port=${spec.clientPort[0]}-${spec.clientPort[1]}`;
}

function range(v: string | undefined): [number, number] | undefined {
  const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(v ?? '');
  if (!m) return undefined;
  const a = Number(m[1]);
  // A single value means the pair a, a+1 (RTP and RTCP; §12.39 "port" note).
  const b = m[2] === undefined ? a + 1 : Number(m[2]);
  return a <= 65535 && b <= 65535 ? [a, b] : undefined;
}

/**
 * Parses a server's Transport reply: the first spec (servers answer with the one they chose).
 * Tolerant of what cameras send: parameter case, quoted `mode="PLAY"`, a single interleaved
 * channel, missing `unicast`, spaces. Undefined when nothing readable is there.
 *
 * @example
 * parseTransport('RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=A061B1B6;mode="PLAY"')
 * // { protocol: 'RTP/AVP/TCP', lower: 'TCP', unicast: true, interleaved: [0, 1], ssrc: 0xa061b1b6, mode: 'PLAY' }
 */
export function parseTransport(value: string | undefined): TransportSpec | undefined {
  const first = value?.split(',')[0]?.trim();
  if (!first) return undefined;
  const [proto, ...params] = first.split(';');
  const protocol = (proto ?? '').trim().toUpperCase();
  if (!protocol.startsWith('RTP/')) return undefined;
  const spec: TransportSpec = { protocol, lower: protocol.endsWith('/TCP') ? 'TCP' : 'UDP', unicast: true };
  for (const p of params) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const val =
      eq < 0
        ? undefined
        : p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
    switch (key) {
      case 'multicast':
        spec.unicast = false;
        break;
      case 'interleaved': {
        const r = range(val);
        if (r && r[0] <= 255 && r[1] <= 255) spec.interleaved = r;
        break;
      }
      case 'client_port':
        spec.clientPort = range(val);
        break;
      case 'server_port':
        spec.serverPort = range(val);
        break;
      case 'ssrc': {
        // §12.39: 8 hex digits; some cameras send decimal or fewer digits.
        const n = val && /^[0-9a-f]{1,8}$/i.test(val) ? parseInt(val, 16) : NaN;
        if (Number.isFinite(n)) spec.ssrc = n >>> 0;
        break;
      }
      case 'source':
        spec.source = val;
        break;
      case 'mode':
        spec.mode = val?.toUpperCase();
        break;
    }
  }
  return spec;
}
