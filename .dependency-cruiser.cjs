/**
 * The dependency direction of DESIGN.md, enforced in CI (`npm run lint`).
 * (A <- B: B imports A.) transport <- stun <- ice; transport <- dtls; transport <- sctp <- datachannel;
 * rtp/rtcp <- interceptor; srtp, rtp, rtcp, sdp are leaves; only peer composes them.
 */
const W = '^gateway/webrtc/';
const mod = (m) => `${W}${m}/`;
const only = (from, allowed) => ({
  name: `${from}-imports-only-${allowed.join('-') || 'nothing'}`,
  comment: `webrtc/${from} may import only ${allowed.map((a) => 'webrtc/' + a).join(', ') || 'no other webrtc module'}`,
  severity: 'error',
  from: { path: mod(from) },
  to: {
    path: W,
    pathNot: [mod(from), ...allowed.map(mod)],
  },
});

module.exports = {
  forbidden: [
    only('transport', []),
    only('stun', ['transport']),
    only('ice', ['transport', 'stun']),
    only('dtls', ['transport']),
    only('sctp', ['transport']),
    only('datachannel', ['transport', 'sctp']),
    only('srtp', []),
    only('rtp', []),
    only('rtcp', []),
    only('sdp', []),
    only('interceptor', ['rtp', 'rtcp', 'transport']),
    {
      name: 'webrtc-and-media-stay-below-the-edge',
      comment:
        'Nothing under webrtc/ or media/ imports http, control, bus, plugin-host, telemetry or their libraries',
      severity: 'error',
      from: { path: '^gateway/(webrtc|media)/' },
      to: {
        path: [
          '^gateway/(http|control|bus|plugin-host|telemetry|config|ingest-rtsp)/',
          'node_modules/(hono|@hono|@grpc|@nats-io|nats|@opentelemetry|pino)/',
        ],
      },
    },
    {
      name: 'media-uses-only-rtp-and-transport-of-webrtc',
      comment:
        'media may use webrtc/rtp (packetizers) and webrtc/transport (Clock); the hub reaches viewers through a sink interface, never peer',
      severity: 'error',
      from: { path: '^gateway/media/' },
      to: { path: W, pathNot: [mod('rtp'), mod('transport')] },
    },
    {
      name: 'ingest-rtsp-uses-media-rtp-rtcp',
      comment:
        'ingest-rtsp may use webrtc/rtp (depacketizers), webrtc/rtcp (receiver reports), webrtc/interceptor (reception statistics) and webrtc/transport (Clock, UDP)',
      severity: 'error',
      from: { path: '^gateway/ingest-rtsp/' },
      to: { path: W, pathNot: [mod('rtp'), mod('rtcp'), mod('interceptor'), mod('transport')] },
    },
    {
      name: 'iot-edge-uses-config-and-control-only',
      comment:
        'gateway/iot-edge applies the module twin through the control plane registry and the config schema; it never imports webrtc, media, http, ingest-rtsp, bus, plugin-host or telemetry',
      severity: 'error',
      from: { path: '^gateway/iot-edge/' },
      to: { path: '^gateway/(webrtc|media|http|ingest-rtsp|bus|plugin-host|telemetry)/' },
    },
    {
      name: 'public-api-through-index',
      comment:
        "Each module exports its public API from its index.ts; no import reaches into another module's files",
      severity: 'error',
      from: { path: '^gateway/(webrtc/[^/]+|[^/]+)/' },
      to: {
        path: '^gateway/',
        pathNot: ['^gateway/$1/', '^gateway/(webrtc/[^/]+|[^/]+)/index\\.ts$'],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.test\\.ts$)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
