import { ChunkBuffer } from './chunk-buffer.ts';
import type { RtspError } from './errors.ts';
import type { RtspMessage } from './message.ts';
import { DEFAULT_MESSAGE_LIMITS, parseMessage, type MessageLimits } from './message-parser.ts';

/**
 * RTP/RTCP interleaved in the RTSP connection (RFC 2326 §10.12):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | '$' (0x24)    | channel       | length (16 bits, network order)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | one RTP or RTCP packet of `length` bytes ...                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RTSP messages (replies to keepalives, server requests) arrive between frames on the same stream.
 */
export const INTERLEAVED_MAGIC = 0x24;

/** What the framer hands out. `payload` is a view the framer never writes again: keep it or copy it. */
export interface FramerHandlers {
  onData(channel: number, payload: Uint8Array): void;
  onMessage(message: RtspMessage): void;
  /** A message that broke the parser (it was dropped and the framer resynchronised). */
  onError?(error: RtspError): void;
  /** `bytes` of garbage were skipped while resynchronising. */
  onGarbage?(bytes: number): void;
}

export interface FramerOptions extends Partial<MessageLimits> {
  /**
   * Channels we set up (RFC 2326 §12.39 `interleaved=`). A `$` whose channel fails this test is
   * garbage, not a frame. Default: every channel.
   */
  acceptChannel?: (channel: number) => boolean;
}

export interface FramerStats {
  frames: number;
  messages: number;
  errors: number;
  garbageBytes: number;
  resyncs: number;
}

const enc = new TextEncoder();
/**
 * How a message can start: a response (`RTSP/`) or one of the requests a server may send a client
 * (RFC 2326 §10 table: ANNOUNCE, GET_PARAMETER, OPTIONS, REDIRECT, SET_PARAMETER).
 */
const MESSAGE_STARTS = [
  'RTSP/',
  'ANNOUNCE ',
  'GET_PARAMETER ',
  'OPTIONS ',
  'REDIRECT ',
  'SET_PARAMETER ',
].map((s) => enc.encode(s));

/** 'yes' when a start matches at `pos`, 'maybe' when the buffer ends inside one, else 'no'. */
function messageStart(buf: Uint8Array, pos: number): 'yes' | 'maybe' | 'no' {
  let maybe = false;
  for (const start of MESSAGE_STARTS) {
    let i = 0;
    while (i < start.length && pos + i < buf.length && buf[pos + i] === start[i]) i++;
    if (i === start.length) return 'yes';
    if (pos + i === buf.length) maybe = true;
  }
  return maybe ? 'maybe' : 'no';
}

/**
 * Sans-IO demultiplexer of an RTSP connection carrying interleaved RTP: feed it the stream's chunks
 * in any split; it calls `onData(channel, payload)` per frame and `onMessage` per RTSP message.
 * Bounded (a frame is at most 65 535 bytes, a message at most the {@link MessageLimits}); after
 * garbage or a broken message it resynchronises by scanning for a `$` with an accepted channel and
 * an RTP version-2 first byte, or for the start of an RTSP message. Never throws on input.
 *
 * @example
 * const framer = new InterleavedFramer({
 *   onData: (channel, rtp) => tracks[channel >> 1]?.push(rtp),
 *   onMessage: (msg) => pending.resolve(msg),
 * });
 * socket.on('data', (chunk) => framer.push(chunk));
 */
export class InterleavedFramer {
  readonly stats: FramerStats = { frames: 0, messages: 0, errors: 0, garbageBytes: 0, resyncs: 0 };
  private readonly pending = new ChunkBuffer();
  private readonly limits: MessageLimits;
  private readonly acceptChannel: (channel: number) => boolean;
  private readonly handlers: FramerHandlers;
  /** True after garbage: frames must then also look like RTP/RTCP to be believed. */
  private resyncing = false;
  private scanned = 0;
  private need = 0;

  constructor(handlers: FramerHandlers, options: FramerOptions = {}) {
    this.handlers = handlers;
    this.limits = {
      maxHeaderBytes: options.maxHeaderBytes ?? DEFAULT_MESSAGE_LIMITS.maxHeaderBytes,
      maxHeaders: options.maxHeaders ?? DEFAULT_MESSAGE_LIMITS.maxHeaders,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MESSAGE_LIMITS.maxBodyBytes,
    };
    this.acceptChannel = options.acceptChannel ?? (() => true);
  }

  /** Bytes held for an incomplete frame or message (bounded). */
  get buffered(): number {
    return this.pending.length;
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    const buf = this.pending.append(chunk);
    let pos = 0;
    let garbage = 0;
    while (pos < buf.length) {
      const b = buf[pos] as number;
      if (b === INTERLEAVED_MAGIC) {
        const frame = this.frameAt(buf, pos);
        if (frame === 'more') break;
        if (frame > 0) {
          pos += frame;
          continue;
        }
      } else if (b === 0x0d || b === 0x0a) {
        // Stray CRLF between messages is padding, not garbage (RFC 2616 §4.1).
        pos++;
        continue;
      } else {
        const start = messageStart(buf, pos);
        if (start === 'maybe') break;
        if (start === 'yes') {
          if (buf.length - pos < this.need) break;
          const r = parseMessage(buf, pos, this.limits, pos + this.scanned);
          if (r.status === 'more') {
            this.scanned = r.scanned - pos;
            this.need = r.need ?? 0;
            break;
          }
          this.scanned = 0;
          this.need = 0;
          if (r.status === 'message') {
            this.resyncing = false;
            this.stats.messages++;
            pos += r.consumed;
            this.handlers.onMessage(r.message);
            continue;
          }
          this.stats.errors++;
          this.handlers.onError?.(r.error);
        }
      }
      // Garbage: skip this byte and look for the next thing that can start a frame or a message.
      if (!this.resyncing) this.stats.resyncs++;
      this.resyncing = true;
      garbage++;
      pos++;
    }
    if (garbage > 0) this.reportGarbage(garbage);
    this.pending.consume(pos);
  }

  /** Drops buffered bytes (after a reconnect). */
  reset(): void {
    this.pending.clear();
    this.resyncing = false;
    this.scanned = 0;
    this.need = 0;
  }

  /** Bytes of the frame at `pos` once delivered, 0 when it is not a believable frame, or 'more'. */
  private frameAt(buf: Uint8Array, pos: number): number | 'more' {
    if (pos + 1 >= buf.length) return 'more';
    const channel = buf[pos + 1] as number;
    if (!this.acceptChannel(channel)) return 0;
    if (pos + 4 > buf.length) return 'more';
    const length = ((buf[pos + 2] as number) << 8) | (buf[pos + 3] as number);
    if (this.resyncing) {
      // RTP and RTCP both start with version 2 (RFC 3550 §5.1, §6.4); an RTCP packet is >= 4 bytes.
      if (length < 4) return 0;
      if (pos + 4 < buf.length && (buf[pos + 4] as number) >> 6 !== 2) return 0;
    }
    if (pos + 4 + length > buf.length) return 'more';
    this.resyncing = false;
    this.stats.frames++;
    this.handlers.onData(channel, buf.subarray(pos + 4, pos + 4 + length));
    return 4 + length;
  }

  private reportGarbage(bytes: number): void {
    this.stats.garbageBytes += bytes;
    this.handlers.onGarbage?.(bytes);
  }
}
