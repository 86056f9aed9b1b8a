const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The root page until the player lands: who this node is and where its endpoints are. */
export function placeholderPage(info: { version: string; nodeId: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>edge-gateway ${esc(info.nodeId)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1em .3em;border-radius:3px}</style></head>
<body><h1>edge-gateway</h1>
<p>Node <code>${esc(info.nodeId)}</code>, version <code>${esc(info.version)}</code>.</p>
<p>The player arrives with the media path. Until then: <a href="/healthz">/healthz</a>,
<a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a>.</p>
</body></html>`;
}
