/**
 * One RTP packet of a stream, packetized once and shared by every viewer (DESIGN.md, the hot path).
 * `data` is a whole RTP packet whose 12-byte header is the stream's template (stream sequence number,
 * timestamp, marker); each viewer copies those 12 bytes, rewrites SSRC/seq/ts/PT and protects
 * header + `data.subarray(12)` without ever copying the payload.
 */
export interface MediaPacket {
  readonly kind: 'video' | 'audio';
  readonly data: Uint8Array;
  /** `data` past its 12-byte header, as one view made once per packet and shared by every viewer. */
  readonly payload: Uint8Array;
  /** The stream's 16-bit sequence number of this packet (continuous across source restarts). */
  readonly seq: number;
  /** The stream's RTP timestamp (continuous across source restarts). */
  readonly timestamp: number;
  readonly marker: boolean;
  /** First packet of a keyframe access unit: where a viewer that skipped may resume. */
  readonly keyframeStart: boolean;
  /** Wall-clock capture time of the packet's frame (ms): the NTP↔RTP mapping of sender reports. */
  readonly captureWallMs: number;
}

/**
 * How the hub reaches a viewer: implemented by the glue around a peer connection, never by
 * importing it. `deliver` returns false when the viewer cannot take the packet now (its queue is
 * full); the hub then skips that viewer to the next keyframe instead of growing memory.
 */
export interface ViewerSink {
  deliver(packet: MediaPacket): boolean;
}
