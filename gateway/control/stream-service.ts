import type * as grpc from '@grpc/grpc-js';
import { unaryHandler } from './call-status.ts';
import { InvalidFieldError, NotFoundError, SourceProbeError, UnimplementedError } from './errors.ts';
import type { ControlLogger } from './logger.ts';
import { durationToSeconds, secondsToDuration } from './node-info.ts';
import type { SourceProber } from './source-prober.ts';
import { keepMaskedPassword, maskSourceUrl, validateSourceUrl } from './source-url.ts';
import type { StreamPatch, StreamRegistry } from './stream-registry.ts';
import { validateStreamName } from './stream-validation.ts';
import { toStreamWire, transportFromWire, transportToWire } from './stream-wire.ts';
import type {
  AddStreamRequestWire,
  ProbeSourceRequestWire,
  ProbeSourceResponseWire,
  UpdateStreamRequestWire,
} from './stream-wire.ts';

/** Fully-qualified name of the service these handlers implement. */
export const STREAM_SERVICE = 'edgegw.v1.StreamService';

/** ProbeSource's timeout when the request sets none, and the longest it accepts. */
export const PROBE_DEFAULT_TIMEOUT_MS = 5000;
export const PROBE_MAX_TIMEOUT_MS = 60_000;
/** How long ProbeSource plays the source when the request sets no `sample` (as `edge-gateway probe`). */
export const PROBE_DEFAULT_SAMPLE_MS = 2000;

/** The password of `url`, or "" (for scrubbing it from a prober's message). */
function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/**
 * Handlers of edgegw.v1.StreamService over a {@link StreamRegistry}. Every URL in a response or
 * an error message is masked.
 *
 * @param prober answers ProbeSource; without one ProbeSource is UNIMPLEMENTED.
 */
export function streamServiceHandlers(
  streams: StreamRegistry,
  prober: SourceProber | undefined,
  logger: ControlLogger,
): grpc.UntypedServiceImplementation {
  const existing = async (name: string) => {
    validateStreamName(name);
    const entry = await streams.get(name);
    if (entry === undefined) throw new NotFoundError('stream', name);
    return entry;
  };
  return {
    ListStreams: unaryHandler('ListStreams', logger, async () => {
      const all = [...(await streams.list())].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      return { streams: all.map(toStreamWire) };
    }),
    GetStream: unaryHandler('GetStream', logger, async (req: { name: string }) => ({
      stream: toStreamWire(await existing(req.name)),
    })),
    AddStream: unaryHandler('AddStream', logger, async (req: AddStreamRequestWire) => {
      const entry = await streams.add({
        name: req.name,
        sourceUrl: req.sourceUrl,
        rtspTransport: transportFromWire(req.rtspTransport, 'rtsp_transport'),
        description: req.description,
      });
      logger.info({ stream: entry.name, source: maskSourceUrl(entry.sourceUrl) }, 'stream added over gRPC');
      return { stream: toStreamWire(entry) };
    }),
    UpdateStream: unaryHandler('UpdateStream', logger, async (req: UpdateStreamRequestWire) => {
      const patch: { -readonly [K in keyof StreamPatch]: StreamPatch[K] } = {};
      if (req.sourceUrl !== undefined) {
        const current = await existing(req.name);
        patch.sourceUrl = keepMaskedPassword(req.sourceUrl, current.sourceUrl);
      }
      if (req.rtspTransport !== undefined)
        patch.rtspTransport = transportFromWire(req.rtspTransport, 'rtsp_transport');
      if (req.description !== undefined) patch.description = req.description;
      if (Object.keys(patch).length === 0) {
        validateStreamName(req.name);
        throw new InvalidFieldError(
          'source_url',
          'nothing to update: set source_url, rtsp_transport or description',
        );
      }
      const entry = await streams.update(req.name, patch);
      logger.info({ stream: entry.name, fields: Object.keys(patch) }, 'stream updated over gRPC');
      return { stream: toStreamWire(entry) };
    }),
    RemoveStream: unaryHandler('RemoveStream', logger, async (req: { name: string }) => {
      await streams.remove(req.name);
      logger.info({ stream: req.name }, 'stream removed over gRPC');
      return {};
    }),
    ProbeSource: unaryHandler('ProbeSource', logger, async (req: ProbeSourceRequestWire, call) => {
      validateSourceUrl('source_url', req.sourceUrl);
      const rtspTransport = transportFromWire(req.rtspTransport, 'rtsp_transport');
      const asked = req.timeout === null ? 0 : durationToSeconds(req.timeout) * 1000;
      if (asked < 0 || asked > PROBE_MAX_TIMEOUT_MS)
        throw new InvalidFieldError('timeout', `must be between 0 and ${PROBE_MAX_TIMEOUT_MS / 1000} s`);
      const timeoutMs = asked === 0 ? PROBE_DEFAULT_TIMEOUT_MS : asked;
      const sampleMs = req.sample === null ? PROBE_DEFAULT_SAMPLE_MS : durationToSeconds(req.sample) * 1000;
      if (sampleMs < 0 || sampleMs >= timeoutMs)
        throw new InvalidFieldError(
          'sample',
          `must be at least 0 and shorter than the timeout (${timeoutMs / 1000} s)`,
        );
      if (prober === undefined)
        throw new UnimplementedError('ProbeSource', 'this node has no RTSP source prober');
      const abort = new AbortController();
      const onCancel = (): void => abort.abort();
      call.once('cancelled', onCancel);
      const started = performance.now();
      try {
        const r = await prober.probe(req.sourceUrl, {
          rtspTransport,
          timeoutMs,
          sampleMs,
          signal: abort.signal,
        });
        const res: ProbeSourceResponseWire = {
          sourceUrl: maskSourceUrl(req.sourceUrl),
          server: r.server,
          tracks: r.tracks.map((tr) => ({ ...tr, control: maskSourceUrl(tr.control) })),
          elapsed: secondsToDuration((performance.now() - started) / 1000),
          auth: r.auth,
          publicMethods: [...r.publicMethods],
          rtspTransport: transportToWire(r.transport),
          playable: r.playable,
          notes: [...r.notes],
          sampled: secondsToDuration(r.sampledMs / 1000),
        };
        logger.info(
          { source: res.sourceUrl, playable: r.playable, tracks: r.tracks.length },
          'source probed over gRPC',
        );
        return res;
      } catch (err) {
        if (!(err instanceof SourceProbeError)) throw err;
        // The prober should not echo the URL; make sure no password leaves anyway.
        const password = passwordOf(req.sourceUrl);
        let message = err.message.split(req.sourceUrl).join(maskSourceUrl(req.sourceUrl));
        if (password !== '') message = message.split(password).join('***');
        throw new SourceProbeError(err.reason, message, { cause: err, sourceStatus: err.sourceStatus });
      } finally {
        call.off('cancelled', onCancel);
      }
    }),
  };
}
