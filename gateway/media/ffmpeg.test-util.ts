import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test-only: encodes FFmpeg's testsrc2 pattern with the given output options into a temporary file and
 * returns its bytes. ffmpeg must be installed (TESTING.md); a missing ffmpeg fails the test.
 *
 * @example
 * const h264 = encodeTestPattern('320x180', 30, 1, ['-c:v', 'libx264', '-bf', '2', '-f', 'h264']);
 */
export function encodeTestPattern(
  size: string,
  fps: number,
  seconds: number,
  output: readonly string[],
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'media-test-'));
  try {
    const file = join(dir, 'out.bin');
    execFileSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${size}:rate=${fps}`,
        '-t',
        String(seconds),
        ...output,
        file,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
    );
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
