import { parseArgs } from 'node:util';
import { probe, type ProbeResult } from './probe.ts';
import { RtspError } from './errors.ts';

export const PROBE_USAGE = `usage: edge-gateway probe rtsp://[user:password@]host[:port]/path [--transport tcp|udp] [--seconds N] [--json]

Connects to a camera like the gateway would and prints what it offers: tracks, codecs, size, frame
rate, bitrate, B-frames, and whether a browser can play it (and why not). Credentials are masked.`;

function human(r: ProbeResult): string {
  const lines = [
    `camera ${r.url}  (transport ${r.transport}${r.auth ? `, auth ${r.auth}` : ''}${r.server ? `, server ${r.server}` : ''})`,
  ];
  for (const t of r.tracks) {
    const size = t.width && t.height ? ` ${t.width}x${t.height}` : '';
    const fps = t.frameRate ? ` ${t.frameRate.toFixed(t.frameRate % 1 ? 2 : 0)} fps` : '';
    const rate = t.bitrateKbps ? ` ${Math.round(t.bitrateKbps)} kbit/s` : '';
    const b = t.bFrames ? ' B-frames' : '';
    lines.push(
      `  track ${t.index}: ${t.media} ${t.codec}/${t.clockRate}${size}${fps}${rate}${b}  browser: ${t.browser.playable ? 'yes' : `no (${t.browser.reason ?? 'unsupported'})`}`,
    );
  }
  lines.push(r.playable ? 'playable in browsers: yes' : 'playable in browsers: NO');
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/**
 * `edge-gateway probe URL`: the first thing a user runs when a camera does not show (issue 5).
 * Exit status 0 when a browser can play the camera, 3 when it answers but cannot be played, 1 when
 * it cannot be reached or refuses (wrong credentials), 2 for a bad command line.
 */
export async function runProbeCli(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        transport: { type: 'string' },
        seconds: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    err.write(`edge-gateway probe: ${(e as Error).message}\n${PROBE_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const url = positionals[0];
  if (values.help || !url) {
    (values.help ? out : err).write(PROBE_USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const transport = values.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'udp') {
    err.write('edge-gateway probe: --transport is tcp or udp\n');
    return 2;
  }
  const seconds = values.seconds === undefined ? 2 : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 60) {
    err.write('edge-gateway probe: --seconds is 0..60\n');
    return 2;
  }
  try {
    const r = await probe(url, { transport, sampleMs: seconds * 1000 });
    out.write(values.json ? JSON.stringify(r) + '\n' : human(r) + '\n');
    return r.playable ? 0 : 3;
  } catch (e) {
    // RtspError messages never carry the password (maskUrl); anything else is reported by code only.
    err.write(
      `edge-gateway probe: ${e instanceof RtspError ? `${e.code}: ${e.message}` : (e as Error).message}\n`,
    );
    return 1;
  }
}
