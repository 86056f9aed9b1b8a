import type { HandshakeFragment } from './handshake-header.ts';

/** A handshake message whose fragments are all in (RFC 6347 §4.2.3). */
export interface HandshakeMessage {
  msgType: number;
  messageSeq: number;
  body: Uint8Array;
  /** Epoch of the records it arrived in (Finished must come protected, RFC 5246 §7.4.9). */
  epoch: number;
}

export interface ReassemblerLimits {
  /** Largest handshake message accepted (bytes). Certificate chains are the big ones. */
  maxMessageLength: number;
  /** How far past the next expected message_seq fragments are buffered. */
  maxFutureMessages: number;
  /** Bytes buffered across all partial messages. */
  maxBufferedBytes: number;
}

export const defaultReassemblerLimits: ReassemblerLimits = {
  maxMessageLength: 64 * 1024,
  maxFutureMessages: 16,
  maxBufferedBytes: 256 * 1024,
};

interface Partial {
  msgType: number;
  epoch: number;
  body: Uint8Array;
  /** One byte per body byte: 1 once received. Overlapping/duplicate fragments are harmless. */
  have: Uint8Array;
  missing: number;
}

export type FragmentVerdict = 'buffered' | 'old' | 'dropped';

/**
 * Reassembles handshake messages from fragments that may arrive out of order, overlap, repeat or
 * belong to future messages (RFC 6347 §4.2.2–4.2.3), and releases them strictly in message_seq
 * order. Every buffer is bounded; fragments beyond the bounds, or inconsistent with what was
 * already received for that message_seq, are dropped (the peer retransmits).
 */
export class HandshakeReassembler {
  private expected = 0;
  private readonly partial = new Map<number, Partial>();
  private buffered = 0;

  constructor(private readonly limits: ReassemblerLimits = defaultReassemblerLimits) {}

  /** The message_seq of the next message {@link pop} will release. */
  get nextSeq(): number {
    return this.expected;
  }

  /** Sets the next expected message_seq (e.g. a stateless server adopting the ClientHello's). */
  reset(nextSeq: number): void {
    this.expected = nextSeq;
    this.partial.clear();
    this.buffered = 0;
  }

  /** Expects `seq` again (its message was released but rejected): its fragments are taken afresh. */
  rewind(seq: number): void {
    if (seq < this.expected) this.expected = seq;
    this.partial.delete(seq);
  }

  /** Adds one fragment. `'old'` means a message already released: the peer is retransmitting. */
  push(f: HandshakeFragment, epoch = 0): FragmentVerdict {
    if (f.messageSeq < this.expected) return 'old';
    if (f.messageSeq >= this.expected + this.limits.maxFutureMessages) return 'dropped';
    if (f.length > this.limits.maxMessageLength) return 'dropped';
    if (f.fragmentOffset + f.fragment.length > f.length) return 'dropped';
    let p = this.partial.get(f.messageSeq);
    if (!p) {
      if (this.buffered + f.length > this.limits.maxBufferedBytes) return 'dropped';
      p = {
        msgType: f.msgType,
        epoch,
        body: new Uint8Array(f.length),
        have: new Uint8Array(f.length),
        missing: f.length,
      };
      this.partial.set(f.messageSeq, p);
      this.buffered += f.length;
    } else if (p.msgType !== f.msgType || p.body.length !== f.length || p.epoch !== epoch) {
      return 'dropped';
    }
    for (let i = 0; i < f.fragment.length; i++) {
      const at = f.fragmentOffset + i;
      if (p.have[at] === 0) {
        p.have[at] = 1;
        p.body[at] = f.fragment[i] ?? 0;
        p.missing--;
      }
    }
    return 'buffered';
  }

  /** Releases the next message if it is complete. */
  pop(): HandshakeMessage | undefined {
    const p = this.partial.get(this.expected);
    if (!p || p.missing > 0) return undefined;
    this.partial.delete(this.expected);
    this.buffered -= p.body.length;
    return { msgType: p.msgType, messageSeq: this.expected++, body: p.body, epoch: p.epoch };
  }
}
