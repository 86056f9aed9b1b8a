/**
 * ingest-rtsp: an RTSP 1.0 client (RFC 2326) that pulls IP cameras — written for what cameras do,
 * not only what the RFC says. Sans-IO codecs (message parser/serializer, interleaved framer, SDP,
 * Transport/Session headers, Basic/Digest auth), a session state machine, TCP-interleaved and UDP
 * transports, and {@link RtspSource}: a long-lived source that reconnects with capped backoff and
 * emits RTP packets and depacketized media `Frame`s per track. {@link probe} tells what a camera
 * offers. Credentials never reach a log line or an API response: use {@link maskUrl}.
 *
 * @example
 * // A camera as a source of frames for the hub:
 * const source = new RtspSource({ url: 'rtsp://admin:secret@10.0.0.5/stream1', transport: 'tcp' });
 * source.on('frame', (track, frame) => hub.push(frame));
 * source.on('state', (s) => log.info({ url: source.maskedUrl, state: s.status }, 'camera'));
 * source.connect();
 * await source.whenLive().catch((err: RtspError) => log.warn({ code: err.code }, err.message));
 * await source.close(); // TEARDOWN
 *
 * @example
 * // What does this camera offer? (the `edge-gateway probe rtsp://…` command)
 * const r = await probe('rtsp://10.0.0.5/stream1', { sampleMs: 2000 });
 * r.tracks.map((t) => `${t.codec} ${t.width}x${t.height} ${t.browser.playable ? 'ok' : t.browser.reason}`);
 *
 * @example
 * // The sans-IO codecs alone: split an RTSP-over-TCP byte stream into RTP and replies.
 * const framer = new InterleavedFramer({
 *   onData: (channel, rtp) => console.log('channel', channel, rtp.length),
 *   onMessage: (msg) => console.log(msg.kind === 'response' ? msg.status : msg.method),
 * });
 * socket.on('data', (chunk) => framer.push(chunk));
 *
 * @module
 */
export { RtspError, type RtspErrorCode } from './errors.ts';
export { RtspHeaders } from './headers.ts';
export {
  rtspRequest,
  rtspResponse,
  bodyText,
  RTSP_VERSION,
  type RtspRequest,
  type RtspResponse,
  type RtspMessage,
} from './message.ts';
export { serializeRequest, serializeResponse, serializeMessage } from './serialize.ts';
export {
  parseMessage,
  DEFAULT_MESSAGE_LIMITS,
  type MessageLimits,
  type MessageParse,
} from './message-parser.ts';
export { RtspMessageReader } from './message-reader.ts';
export {
  InterleavedFramer,
  INTERLEAVED_MAGIC,
  type FramerHandlers,
  type FramerOptions,
  type FramerStats,
} from './interleaved-framer.ts';
export { parseRtspUrl, maskUrl, RTSP_DEFAULT_PORT, type RtspUrl, type RtspCredentials } from './rtsp-url.ts';
export { parseChallenges, type AuthChallenge } from './auth-challenge.ts';
export { Authenticator, type ChallengeVerdict, type AuthenticatorOptions } from './authenticator.ts';
export { resolveControl, describeBase } from './control-url.ts';
export type { RtspTrack, CodecName } from './track.ts';
export {
  parseSessionDescription,
  browserSupport,
  type SessionDescriptionInfo,
} from './session-description.ts';
export { parseSessionHeader, DEFAULT_SESSION_TIMEOUT_SEC, type SessionHeader } from './session-header.ts';
export { parseTransport, formatTransport, type TransportSpec } from './transport-header.ts';
export { nextSessionState, type SessionState, type SessionEvent } from './session-state.ts';
export { createStreamPair, type ByteStream, type Dialer } from './byte-stream.ts';
export { tcpDialer } from './tcp-dialer.ts';
export {
  RtspConnection,
  DEFAULT_USER_AGENT,
  type RtspConnectionOptions,
  type RequestLogEntry,
} from './rtsp-connection.ts';
export { RtspSession, type RtspSessionOptions } from './rtsp-session.ts';
export type { RtspClientOptions } from './client-options.ts';
export type { RtspTransport, SetupTrack, PacketKind } from './setup-track.ts';
export {
  RtspSource,
  type RtspSourceOptions,
  type RtspSourceEvents,
  type SourceState,
  type SourceStats,
  type TrackStats,
} from './rtsp-source.ts';
export { backoffMs } from './backoff.ts';
export { createRtspCounters, type RtspCounters, type RtspMediaCounters } from './rtsp-counters.ts';
export {
  ReceiverReporter,
  randomCname,
  rtcpIntervalMs,
  RTCP_MIN_INTERVAL_MS,
  type ReceiverReporterOptions,
  type RtcpIntervalInput,
} from './receiver-reporter.ts';
export { TimestampUnwrapper } from './timestamp-unwrapper.ts';
export {
  createTrackDepacketizer,
  type TrackDepacketizer,
  type TrackDepacketizerStats,
} from './track-depacketizer.ts';
export { videoInfo, type VideoInfo } from './track-info.ts';
export { FrameRateMeter } from './frame-rate-meter.ts';
export { B_FRAMES_WARNING, type RtspSourceReport, type RtspTrackReport } from './source-report.ts';
export { probe, type ProbeResult, type ProbeTrack, type ProbeOptions } from './probe.ts';
export { silentLogger, type RtspLogger } from './logger.ts';
export { FakeCamera, FAKE_SDP, type FakeCameraOptions, type FakeReply } from './fake-camera.ts';
export { runProbeCli, PROBE_USAGE } from './probe-cli.ts';
