const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The root page: lists the node's streams (`GET /api/streams`) and plays one with a small WHEP
 * client (draft-ietf-wish-whep), showing live inbound-rtp figures from getStats(). No build step,
 * no dependencies: it is what a user on a fresh box opens first.
 */
export function playerPage(info: { version: string; nodeId: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>edge-gateway ${esc(info.nodeId)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#111;color:#ddd}
header{padding:.6rem 1rem;background:#1b1b1b;display:flex;gap:1rem;align-items:baseline}
header h1{font-size:1.1rem;margin:0;color:#fff} header span{color:#888;font-size:.85rem}
main{display:grid;grid-template-columns:16rem 1fr;gap:1rem;padding:1rem}
ul{list-style:none;margin:0;padding:0} li{padding:.45rem .6rem;border-radius:4px;cursor:pointer}
li:hover,li.on{background:#2a2a2a} li small{display:block;color:#888}
video{width:100%;max-height:75vh;background:#000;border-radius:4px}
#stats{font:12px/1.4 ui-monospace,monospace;color:#9c9;white-space:pre;margin-top:.5rem}
#err{color:#f77}
</style></head>
<body>
<header><h1>edge-gateway</h1><span>node ${esc(info.nodeId)} · v${esc(info.version)}</span></header>
<main>
<section><ul id="streams"><li>loading…</li></ul></section>
<section><video id="video" autoplay muted playsinline controls></video><div id="err"></div><div id="stats"></div></section>
</main>
<script type="module">
const $ = (id) => document.getElementById(id);
let pc, session, timer;
async function stop() {
  clearInterval(timer);
  if (session) fetch(session, { method: 'DELETE' }).catch(() => {});
  pc?.close(); pc = undefined; session = undefined;
}
async function play(name) {
  await stop();
  $('err').textContent = '';
  document.querySelectorAll('#streams li').forEach((li) => li.classList.toggle('on', li.dataset.name === name));
  pc = window.pc = new RTCPeerConnection(); // window.pc: for getStats() from devtools and tests
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.ontrack = (e) => { $('video').srcObject = e.streams[0] ?? new MediaStream([e.track]); };
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch('/whep/' + encodeURIComponent(name), {
    method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp,
  });
  if (res.status !== 201) { $('err').textContent = 'WHEP ' + res.status + ': ' + (await res.text()); return; }
  session = new URL(res.headers.get('location'), location.href).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  timer = setInterval(async () => {
    if (!pc) return;
    const lines = ['state ' + pc.connectionState];
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      lines.push(s.kind + ': ' + (s.frameWidth ? s.frameWidth + 'x' + s.frameHeight + ' ' + (s.framesPerSecond ?? 0) + ' fps, ' + s.framesDecoded + ' decoded, ' : '') +
        s.packetsReceived + ' pkts, ' + s.packetsLost + ' lost, ' + Math.round(s.bytesReceived / 1024) + ' KiB, nack ' + (s.nackCount ?? 0) + ', pli ' + (s.pliCount ?? 0));
    });
    $('stats').textContent = lines.join('\\n');
  }, 1000);
}
const r = await fetch('/api/streams');
const { streams } = await r.json();
$('streams').innerHTML = '';
for (const s of streams) {
  const li = document.createElement('li');
  li.dataset.name = s.name;
  const v = s.video ? s.video.codec + (s.video.width ? ' ' + s.video.width + 'x' + s.video.height : '') : 'no video';
  li.innerHTML = '<b></b><small></small>';
  li.querySelector('b').textContent = s.name;
  li.querySelector('small').textContent = v + ' · ' + s.viewers + ' viewers';
  li.onclick = () => play(s.name);
  $('streams').append(li);
}
if (streams.length === 0) $('streams').innerHTML = '<li>no streams configured</li>';
else play(new URLSearchParams(location.search).get('stream') ?? streams[0].name);
addEventListener('pagehide', stop);
</script>
</body></html>`;
}
