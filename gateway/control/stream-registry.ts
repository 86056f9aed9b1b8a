import type { RtspTransport } from '../config/index.ts';

/**
 * The control plane's view of the node's streams. The in-memory implementation
 * (memory-stream-registry.ts) persists runtime streams; the media hub implements the live parts
 * (`status`) later. Methods may be sync or async.
 *
 * Errors (control/errors.ts) map to gRPC statuses: {@link StreamExistsError} ALREADY_EXISTS,
 * {@link NotFoundError} NOT_FOUND, {@link InvalidFieldError} INVALID_ARGUMENT,
 * {@link ReadOnlyStreamError} FAILED_PRECONDITION. Anything else becomes INTERNAL.
 */
export interface StreamRegistry {
  /** Every stream, any order (the service sorts by name). */
  list(): readonly StreamEntry[] | Promise<readonly StreamEntry[]>;
  /** One stream, or undefined. */
  get(name: string): StreamEntry | undefined | Promise<StreamEntry | undefined>;
  /** Adds a runtime stream and persists it before resolving. */
  add(spec: StreamSpec): Promise<StreamEntry>;
  /** Applies the set fields of `patch` to a runtime stream and persists the result. */
  update(name: string, patch: StreamPatch): Promise<StreamEntry>;
  /** Removes a runtime stream and persists the removal. */
  remove(name: string): Promise<void>;
}

/** What defines a stream. `sourceUrl` is the real URL, credentials included: never log it. */
export interface StreamSpec {
  readonly name: string;
  readonly sourceUrl: string;
  readonly rtspTransport: RtspTransport;
  readonly description: string;
}

/** The changeable fields of a stream; an absent field stays as it is. */
export type StreamPatch = Partial<Omit<StreamSpec, 'name'>>;

/** Where a stream's definition comes from. Only `runtime` streams change over gRPC. */
export type StreamOrigin = 'config' | 'runtime' | 'builtin';

/** What a stream's source is doing (reported by the media path). */
export type StreamStateName = 'unknown' | 'starting' | 'online' | 'offline' | 'retrying';

/** Live status of a stream, from the media hub. */
export interface StreamStatus {
  readonly state: StreamStateName;
  /** Why it is in that state; empty when online. */
  readonly reason: string;
  readonly viewers: number;
  readonly bytesIn: number;
  /** "H264", "H265", or "" while unknown. */
  readonly videoCodec: string;
  readonly width: number;
  readonly height: number;
}

/** A stream as the registry reports it. */
export interface StreamEntry extends StreamSpec {
  readonly origin: StreamOrigin;
  readonly status: StreamStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The status of a stream nothing has reported on yet. */
export const UNKNOWN_STATUS: StreamStatus = {
  state: 'unknown',
  reason: '',
  viewers: 0,
  bytesIn: 0,
  videoCodec: '',
  width: 0,
  height: 0,
};
