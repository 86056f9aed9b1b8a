import { ChunkBuffer } from './chunk-buffer.ts';
import type { RtspError } from './errors.ts';
import type { RtspMessage } from './message.ts';
import { DEFAULT_MESSAGE_LIMITS, parseMessage, type MessageLimits } from './message-parser.ts';

/**
 * Streaming RTSP message parser for a control connection without interleaved data: feed it chunks
 * as they arrive, get whole messages back. Bounded by {@link MessageLimits}. On bad bytes it throws
 * the module's `RtspError` (`RTSP_PARSE`/`RTSP_LIMIT`) and stays failed: the connection is beyond
 * repair. (With interleaved RTP on the same stream use `InterleavedFramer`, which resynchronises.)
 *
 * @example
 * const reader = new RtspMessageReader();
 * socket.on('data', (chunk) => { for (const msg of reader.push(chunk)) handle(msg); });
 */
export class RtspMessageReader {
  private readonly pending = new ChunkBuffer();
  private readonly limits: MessageLimits;
  private scanned = 0;
  private need = 0;
  private failed: RtspError | undefined;

  constructor(limits: Partial<MessageLimits> = {}) {
    this.limits = { ...DEFAULT_MESSAGE_LIMITS, ...limits };
  }

  /** Feeds bytes; returns the messages they complete (maybe none). */
  push(chunk: Uint8Array): RtspMessage[] {
    if (this.failed) throw this.failed;
    const buf = this.pending.append(chunk);
    const out: RtspMessage[] = [];
    let pos = 0;
    for (;;) {
      // RFC 2616 §4.1: empty lines before a start line are ignored (some cameras pad with CRLF).
      if (this.scanned === 0) while (buf[pos] === 0x0d || buf[pos] === 0x0a) pos++;
      if (pos >= buf.length || buf.length - pos < this.need) break;
      const r = parseMessage(buf, pos, this.limits, pos + this.scanned);
      if (r.status === 'more') {
        this.scanned = r.scanned - pos;
        this.need = r.need ?? 0;
        break;
      }
      if (r.status === 'error') {
        this.failed = r.error;
        this.pending.clear();
        throw r.error;
      }
      out.push(r.message);
      pos += r.consumed;
      this.scanned = 0;
      this.need = 0;
    }
    this.pending.consume(pos);
    return out;
  }

  /** Bytes received but not yet part of a whole message. */
  get buffered(): number {
    return this.pending.length;
  }
}
