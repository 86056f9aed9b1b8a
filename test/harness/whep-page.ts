/**
 * One WHEP/WHIP client page for every browser test: the page (served from its own origin, so every
 * request to the gateway is cross-origin as for a real player), and Node-side helpers that drive it.
 * The page keeps its RTCPeerConnection in a global (`pc` for a viewer, `pub` for a publisher) for
 * {@link inboundRtp} / {@link browserStats}, renders video in `<video id="v">` and audio in an
 * `<audio>` element (Chromium decodes audio only for a sink that plays it).
 *
 * @example
 * const page = await openWhepPage(browser, t);
 * const r = await playWhep(page, `${gw.http}/whep/demo`, { audio: true });
 * await waitForVideoFrames(page, { minFramesDecoded: 30 });
 */
import type { Page } from 'playwright-core';
import type { TestBrowser } from './browser.ts';
import { HarnessError } from './errors.ts';
import type { Teardown } from './process.ts';
import { serveStatic } from './static-server.ts';

/** The client page: `window.whepPlay`, `window.whipPublish`, `window.sdpOffer`. */
export const WHEP_PAGE = `<!doctype html><title>whep</title><video id="v" autoplay muted playsinline></video><script>
const waitState = (pc, ms) => new Promise((resolve) => {
  const done = () => ['connected', 'failed', 'closed'].includes(pc.connectionState) && resolve(pc.connectionState);
  pc.addEventListener('connectionstatechange', done);
  done();
  setTimeout(() => resolve('timeout:' + pc.connectionState), ms);
});
const render = (e) => {
  if (e.track.kind === 'video') { document.getElementById('v').srcObject = new MediaStream([e.track]); return; }
  const a = document.createElement('audio');
  a.autoplay = true;
  a.srcObject = new MediaStream([e.track]);
  document.body.append(a);
};
const exchange = async (pc, endpoint, token) => {
  await pc.setLocalDescription(await pc.createOffer());
  const headers = { 'content-type': 'application/sdp' };
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(endpoint, { method: 'POST', headers, body: pc.localDescription.sdp });
  const answer = await res.text();
  if (res.status !== 201) return { status: res.status, location: null, answer, error: answer };
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return { status: res.status, location: res.headers.get('location'), answer };
};
const watch = (pc, log) => {
  pc.addEventListener('connectionstatechange', () => log.push('pc:' + pc.connectionState));
  pc.addEventListener('iceconnectionstatechange', () => log.push('ice:' + pc.iceConnectionState));
};
window.whepPlay = async (endpoint, o) => {
  const t0 = performance.now();
  const log = [];
  const pc = new RTCPeerConnection();
  window[o.pcGlobal] = pc;
  watch(pc, log);
  if (o.video) pc.addTransceiver('video', { direction: 'recvonly' });
  if (o.audio) pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.ontrack = render;
  // Player start → first video frame presented (requestVideoFrameCallback), for "how fast it shows".
  window.firstFrameMs = undefined;
  if (o.video) document.getElementById('v').requestVideoFrameCallback(() => { window.firstFrameMs = performance.now() - t0; });
  const r = await exchange(pc, endpoint, o.token);
  const out = { ...r, signalMs: performance.now() - t0, log };
  if (r.status === 201 && o.waitConnected) {
    out.state = await waitState(pc, o.timeoutMs);
    out.connectMs = performance.now() - t0;
  }
  return out;
};
// ICE restart (RFC 9725 §4.3.2): new credentials in a PATCH sdpfrag, the 200's ufrag/pwd applied as
// the new remote description, then wait for ICE to be connected again.
window.whepRestart = async (url, o) => {
  const pc = window[o.pcGlobal];
  const t0 = performance.now();
  pc.restartIce();
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 2000);
  });
  const sdp = pc.localDescription.sdp;
  const get = (text, name) => new RegExp('a=' + name + ':(\\\\S+)').exec(text)[1];
  const frag = ['a=ice-ufrag:' + get(sdp, 'ice-ufrag'), 'a=ice-pwd:' + get(sdp, 'ice-pwd'),
    'm=video 9 UDP/TLS/RTP/SAVPF 0', 'a=mid:' + get(sdp, 'mid'),
    ...sdp.split('\\r\\n').filter((l) => l.startsWith('a=candidate:')), 'a=end-of-candidates'].join('\\r\\n') + '\\r\\n';
  const headers = { 'content-type': 'application/trickle-ice-sdpfrag', 'if-match': '*' };
  if (o.token) headers.authorization = 'Bearer ' + o.token;
  const res = await fetch(url, { method: 'PATCH', headers, body: frag });
  const body = await res.text();
  if (res.status !== 200) return { status: res.status, body, ufrag: get(sdp, 'ice-ufrag') };
  const remote = pc.remoteDescription.sdp
    .replace(/a=ice-ufrag:\\S+/g, 'a=ice-ufrag:' + get(body, 'ice-ufrag'))
    .replace(/a=ice-pwd:\\S+/g, 'a=ice-pwd:' + get(body, 'ice-pwd'));
  await pc.setRemoteDescription({ type: 'answer', sdp: remote });
  const state = await new Promise((resolve) => {
    const done = () => ['connected', 'completed', 'failed'].includes(pc.iceConnectionState) && resolve(pc.iceConnectionState);
    pc.addEventListener('iceconnectionstatechange', done);
    done();
    setTimeout(() => resolve('timeout:' + pc.iceConnectionState), o.timeoutMs);
  });
  return { status: 200, body, state, ms: performance.now() - t0, ufrag: get(sdp, 'ice-ufrag') };
};
window.whipPublish = async (endpoint, o) => {
  const media = await navigator.mediaDevices.getUserMedia({
    video: o.video ? { width: o.width, height: o.height } : false,
    audio: o.audio,
  });
  const log = [];
  const pc = new RTCPeerConnection();
  window[o.pcGlobal] = pc;
  watch(pc, log);
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
  const r = await exchange(pc, endpoint, o.token);
  return r.status === 201 ? { ...r, state: await waitState(pc, o.timeoutMs), log } : { ...r, log };
};
window.sdpOffer = async (o) => {
  const pc = new RTCPeerConnection();
  for (const kind of o.kinds) pc.addTransceiver(kind, { direction: o.direction });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription.sdp;
  pc.close();
  return sdp;
};
</script>`;

/**
 * Serves {@link WHEP_PAGE} from its own origin (a static server closed on `t`'s teardown) and opens
 * it in a fresh context of `browser`.
 */
export async function openWhepPage(browser: TestBrowser, t: Teardown): Promise<Page> {
  const site = await serveStatic(t, { '/': WHEP_PAGE });
  const page = await browser.newPage(t);
  await page.goto(site.url('/'));
  return page;
}

export interface PlayWhepOptions {
  /** Receive video (default true) and audio (default false). */
  video?: boolean;
  audio?: boolean;
  /** Bearer token for the POST. */
  token?: string;
  /** Global the RTCPeerConnection is kept in (default `pc`). */
  pcGlobal?: string;
  /** Wait for connectionState connected/failed/closed (default false). */
  waitConnected?: boolean;
  /** Limit of that wait (default 15 s). */
  timeoutMs?: number;
  /** Return non-201 answers instead of throwing (default false). */
  allowError?: boolean;
}

export interface PlayWhepResult {
  status: number;
  /** The session resource (`/whep/{stream}/{id}`). */
  location: string | null;
  /** The answer SDP (or the error body when not 201). */
  answer: string;
  /** Offer to answer applied, ms. */
  signalMs: number;
  /** With `waitConnected`: the final state and ms from start. */
  state?: string;
  connectMs?: number;
  /** `pc:…` and `ice:…` state changes. */
  log: string[];
}

/**
 * Plays `url` (a WHEP endpoint) in a page from {@link openWhepPage}. Throws with the gateway's answer
 * when it is not 201, unless `allowError`.
 * @example const { location } = await playWhep(page, `${gw.http}/whep/demo`, { waitConnected: true });
 */
export async function playWhep(page: Page, url: string, o: PlayWhepOptions = {}): Promise<PlayWhepResult> {
  const args = {
    video: o.video ?? true,
    audio: o.audio ?? false,
    token: o.token,
    pcGlobal: o.pcGlobal ?? 'pc',
    waitConnected: o.waitConnected ?? false,
    timeoutMs: o.timeoutMs ?? 15_000,
  };
  const r = (await page.evaluate(([u, a]) => (globalThis as unknown as WhepWindow).whepPlay(u, a), [
    url,
    args,
  ] as const)) as PlayWhepResult;
  if (r.status !== 201 && !o.allowError)
    throw new HarnessError('HARNESS_PEER_REFUSED', `WHEP ${r.status}: ${r.answer}`);
  return r;
}

/** What {@link restartWhepIce} did: the PATCH status, our answer body, the ICE state after, timings. */
export interface RestartResult {
  status: number;
  body: string;
  /** The browser's new ufrag. */
  ufrag: string;
  state?: string;
  ms?: number;
}

/**
 * ICE restart of the session at `location` (absolute URL) from the page's `pc`: PATCH with the new
 * credentials (RFC 9725 §4.3.2), apply the answer's, wait for ICE connected again.
 */
export async function restartWhepIce(
  page: Page,
  url: string,
  o: { pcGlobal?: string; token?: string; timeoutMs?: number } = {},
): Promise<RestartResult> {
  const args = { pcGlobal: o.pcGlobal ?? 'pc', token: o.token, timeoutMs: o.timeoutMs ?? 10_000 };
  return (await page.evaluate(([u, a]) => (globalThis as unknown as WhepWindow).whepRestart(u, a), [
    url,
    args,
  ] as const)) as RestartResult;
}

/** Player start → first presented video frame (ms) of the last {@link playWhep}, once there is one. */
export async function firstFrameMs(page: Page, timeoutMs = 10_000): Promise<number | undefined> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const v = (await page.evaluate('window.firstFrameMs')) as number | undefined;
    if (v !== undefined) return v;
    await page.waitForTimeout(20);
  }
  return undefined;
}

export interface PublishWhipOptions {
  /** Publish the fake camera (default true, 640x360) and the fake microphone (default false). */
  video?: boolean;
  audio?: boolean;
  width?: number;
  height?: number;
  token?: string;
  /** Global the RTCPeerConnection is kept in (default `pub`). */
  pcGlobal?: string;
  timeoutMs?: number;
}

/**
 * Publishes Chromium's fake devices (launch with `fakeMedia: true`) to `url` (a WHIP endpoint) and
 * waits until connected; throws unless 201 and connected.
 * @example const { location } = await publishWhip(page, `${gw.http}/whip/cam`, { audio: true });
 */
export async function publishWhip(
  page: Page,
  url: string,
  o: PublishWhipOptions = {},
): Promise<{ location: string; answer: string; log: string[] }> {
  const args = {
    video: o.video ?? true,
    audio: o.audio ?? false,
    width: o.width ?? 640,
    height: o.height ?? 360,
    token: o.token,
    pcGlobal: o.pcGlobal ?? 'pub',
    timeoutMs: o.timeoutMs ?? 15_000,
  };
  const r = (await page.evaluate(([u, a]) => (globalThis as unknown as WhepWindow).whipPublish(u, a), [
    url,
    args,
  ] as const)) as { status: number; location: string | null; answer: string; state?: string; log: string[] };
  if (r.status !== 201 || r.state !== 'connected' || r.location === null)
    throw new HarnessError(
      r.status === 201 ? 'HARNESS_READY_TIMEOUT' : 'HARNESS_PEER_REFUSED',
      `WHIP ${r.status} ${r.state ?? ''}: ${r.status === 201 ? r.log.join(' ') : r.answer}`,
    );
  return { location: r.location, answer: r.answer, log: r.log };
}

/**
 * `POST`s an SDP offer to a WHEP/WHIP endpoint from Node (for non-browser peers and refusal tests).
 * @example const res = await postSdp(`${gw.http}/whep/demo`, offer); // 201, Location, answer body
 */
export function postSdp(url: string, sdp: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', ...headers },
    body: sdp,
  });
}

/** An offer Chromium would send, made and dropped at once (to test refusals without a session). */
export async function sdpOffer(
  page: Page,
  o: { kinds: ('video' | 'audio')[]; direction: 'sendonly' | 'recvonly' },
): Promise<string> {
  return (await page.evaluate((a) => (globalThis as unknown as WhepWindow).sdpOffer(a), o)) as string;
}

/**
 * Every entry of the page's `getStats()` (default global `pc`), as plain objects, for the figures
 * {@link inboundRtp} does not pick (transport, candidate pairs, remote-outbound-rtp).
 */
export async function browserStats(page: Page, pcGlobal = 'pc'): Promise<Record<string, unknown>[]> {
  return page.evaluate(async (name) => {
    type Report = Record<string, unknown>;
    const pc = (globalThis as unknown as Record<string, unknown>)[name] as
      { getStats(): Promise<{ forEach(cb: (r: Report) => void): void }> } | undefined;
    if (!pc) return [];
    const all: Report[] = [];
    (await pc.getStats()).forEach((r) => all.push({ ...r }));
    return all;
  }, pcGlobal);
}

interface WhepWindow {
  whepPlay(url: string, o: unknown): Promise<unknown>;
  whipPublish(url: string, o: unknown): Promise<unknown>;
  whepRestart(url: string, o: unknown): Promise<unknown>;
  sdpOffer(o: unknown): Promise<unknown>;
}
