/**
 * Headless Chromium (Debian's binary) driven by playwright-core: one browser per test file, a new
 * context per test, and readers for `RTCPeerConnection.getStats()` inbound-rtp figures, the verdict
 * of every media test. Run browser tests serially: tap runs files two at a time, keep one browser
 * per file.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { HarnessError, ProgramNotFoundError } from './errors.ts';
import { installHint, type Teardown } from './process.ts';

/** Debian's Chromium; `/usr/bin/chromium` is a wrapper script that adds flags of its own. */
export const CHROMIUM_PATH = '/usr/lib/chromium/chromium';

/** TESTING.md's flags for headless Chromium on these machines. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--mute-audio',
  '--autoplay-policy=no-user-gesture-required',
];

/** A 640x360 fake camera and microphone, and no permission prompt (for WHIP / getUserMedia). */
export const FAKE_MEDIA_FLAGS: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export interface LaunchOptions {
  /** Add {@link FAKE_MEDIA_FLAGS}. */
  fakeMedia?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /** Launch timeout (default 30 s). */
  timeoutMs?: number;
}

export interface TestBrowser {
  browser: Browser;
  /**
   * A page in a fresh context (cookies, storage, permissions isolated); closed on `t`'s teardown.
   * Its console and uncaught errors are kept: {@link pageConsole}.
   */
  newPage(t?: Teardown, options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium; one per test file.
 * @example
 * const browser = await launchBrowser(t, { fakeMedia: true });
 * t.test('whep', async (t) => { const page = await browser.newPage(t); … });
 */
export async function launchBrowser(t?: Teardown, options: LaunchOptions = {}): Promise<TestBrowser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new ProgramNotFoundError(CHROMIUM_PATH, installHint('chromium'));
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.fakeMedia ? FAKE_MEDIA_FLAGS : []), ...(options.args ?? [])],
    timeout: options.timeoutMs ?? 30_000,
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= browser.close());
  t?.teardown(close);
  return {
    browser,
    newPage: async (pageT, contextOptions) => {
      const context = await browser.newContext(contextOptions);
      pageT?.teardown(() => context.close());
      const page = await context.newPage();
      const lines: string[] = [];
      consoles.set(page, lines);
      page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
      return page;
    },
    close,
  };
}

const consoles = new WeakMap<Page, string[]>();

/**
 * What a page from {@link TestBrowser.newPage} wrote to its console and its uncaught errors
 * (`log: …`, `error: …`, `pageerror: …`), for failure messages.
 * @example t.equal(await status(page), 'connected', pageConsole(page).join('\n'));
 */
export function pageConsole(page: Page): string[] {
  return [...(consoles.get(page) ?? [])];
}

/** The inbound-rtp figures media tests judge by (RTCInboundRtpStreamStats). */
export interface InboundRtpStats {
  id: string;
  kind: 'video' | 'audio';
  ssrc: number;
  mimeType?: string;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  jitter?: number;
  nackCount?: number;
  pliCount?: number;
  firCount?: number;
  framesReceived?: number;
  framesDecoded?: number;
  keyFramesDecoded?: number;
  framesDropped?: number;
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  totalSamplesReceived?: number;
}

/**
 * Reads `getStats()` of the RTCPeerConnection the page keeps in the global `pcGlobal` (default
 * `pc`) and returns its inbound-rtp entries, codec MIME type resolved.
 * @example const [video] = (await inboundRtp(page)).filter((s) => s.kind === 'video');
 */
export async function inboundRtp(page: Page, pcGlobal = 'pc'): Promise<InboundRtpStats[]> {
  const result = await page.evaluate(async (name) => {
    type Report = Record<string, unknown> & { id: string; type: string };
    const pc = (globalThis as unknown as Record<string, unknown>)[name] as
      { getStats(): Promise<{ forEach(cb: (r: Report) => void): void }> } | undefined;
    if (!pc || typeof pc.getStats !== 'function')
      return { error: `no RTCPeerConnection at globalThis.${name}` };
    const all: Report[] = [];
    (await pc.getStats()).forEach((r) => all.push(r));
    const codecs = new Map(all.filter((r) => r.type === 'codec').map((r) => [r.id, r.mimeType]));
    const keep = [
      'id', 'kind', 'ssrc', 'packetsReceived', 'packetsLost', 'bytesReceived', 'jitter', 'nackCount',
      'pliCount', 'firCount', 'framesReceived', 'framesDecoded', 'keyFramesDecoded', 'framesDropped',
      'frameWidth', 'frameHeight', 'framesPerSecond', 'totalSamplesReceived',
    ]; // prettier-ignore
    return {
      stats: all
        .filter((r) => r.type === 'inbound-rtp')
        .map((r) => {
          const out: Record<string, unknown> = { mimeType: codecs.get(r.codecId as string) };
          for (const k of keep) if (r[k] !== undefined) out[k] = r[k];
          return out;
        }),
    };
  }, pcGlobal);
  if ('error' in result) throw new HarnessError('HARNESS_BAD_READY_LINE', String(result.error));
  return result.stats as unknown as InboundRtpStats[];
}

export interface WaitForVideoOptions {
  /** Global holding the RTCPeerConnection (default `pc`). */
  pcGlobal?: string;
  /** Frames decoded to wait for (default 10). */
  minFramesDecoded?: number;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Poll interval (default 100 ms). */
  intervalMs?: number;
}

/**
 * Polls inbound-rtp until a video stream has decoded `minFramesDecoded` frames; resolves with that
 * entry, or throws with the last figures seen. Returns how long it took (`ms`) too.
 * @example const { stats, ms } = await waitForVideoFrames(page, { minFramesDecoded: 30 });
 */
export async function waitForVideoFrames(
  page: Page,
  options: WaitForVideoOptions = {},
): Promise<{ stats: InboundRtpStats; ms: number }> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const minFrames = options.minFramesDecoded ?? 10;
  let last: InboundRtpStats[] = [];
  while (performance.now() - started < timeoutMs) {
    last = await inboundRtp(page, options.pcGlobal);
    const video = last.find((s) => s.kind === 'video' && (s.framesDecoded ?? 0) >= minFrames);
    if (video) return { stats: video, ms: Math.round(performance.now() - started) };
    await page.waitForTimeout(options.intervalMs ?? 100);
  }
  throw new HarnessError(
    'HARNESS_READY_TIMEOUT',
    `no video with ${minFrames} decoded frames within ${timeoutMs} ms; last inbound-rtp: ${JSON.stringify(last)}`,
  );
}

export { serveStatic, type StaticServer, type StaticRoute } from './static-server.ts';
