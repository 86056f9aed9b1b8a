import { RtpBadPayloadError, RtpError, RtpTruncatedError } from './errors.ts';
import { SeqGapDetector } from './sequence.ts';
import type { RtpPacket } from './rtp-packet.ts';

/** One reassembled access unit (a coded picture with its parameter sets / SEI). */
export interface AccessUnit {
  /** RTP timestamp (90 kHz for video). */
  timestamp: number;
  /** The access unit as an Annex-B stream (4-byte start codes), one fresh buffer. */
  annexB: Uint8Array;
  /** The NAL units without start codes: views into `annexB`. */
  nals: Uint8Array[];
  /** Contains an IDR (H.264 type 5) / IRAP (H.265 types 16..21) picture. */
  keyframe: boolean;
  /** Sequence numbers of the first and last packet. */
  firstSeq: number;
  lastSeq: number;
  /** True when the marker bit closed it; false when it ended because the next timestamp began. */
  marker: boolean;
}

/** A gap in the sequence numbers: `lost` packets from `expectedSeq` never arrived (so far). */
export interface RtpLossEvent {
  expectedSeq: number;
  receivedSeq: number;
  lost: number;
}

/** Why an access unit was dropped. */
export type AccessUnitDropReason = 'loss' | 'bad-payload' | 'incomplete-fragment' | 'too-large';

/** Options of the H.264 / H.265 depacketizers. */
export interface DepacketizerOptions {
  /** Called with every complete access unit. */
  onAccessUnit: (au: AccessUnit) => void;
  /** Called for every sequence-number gap (the caller may NACK, or ask for a keyframe). */
  onLoss?: (loss: RtpLossEvent) => void;
  /** Called for every dropped access unit, with the reason (and the payload error when there is one). */
  onDrop?: (timestamp: number, reason: AccessUnitDropReason, error?: RtpError) => void;
  /** Largest access unit kept in memory, default 8 MiB; a larger one is dropped ('too-large'). */
  maxAccessUnitSize?: number;
}

/** Counters of a depacketizer. */
export interface DepacketizerStats {
  packets: number;
  accessUnits: number;
  keyframes: number;
  droppedAccessUnits: number;
  /** Packets counted missing from sequence gaps. */
  lostPackets: number;
  /** Packets older than the last one (reordered or duplicated), ignored: put a jitter buffer in front. */
  latePackets: number;
  /** Payloads that failed to parse. */
  badPayloads: number;
}

/**
 * The part of the H.264 and H.265 depacketizers that does not depend on the codec: sequence
 * tracking, access-unit boundaries (marker bit, or a new timestamp when the marker was lost,
 * RFC 6184 §5.1), fragment reassembly state, and one growing scratch buffer that holds the access
 * unit as Annex-B while it is assembled, copied out once per access unit (the caller may reuse the
 * packet buffers it pushes).
 *
 * Loss policy: an access unit that may be missing any packet is dropped whole, never emitted with
 * holes (a decoder given a broken picture shows artefacts until the next keyframe; better to let
 * the caller request one). Packets that arrive older than the newest are ignored and counted.
 */
export abstract class AccessUnitAssembler {
  readonly stats: DepacketizerStats = {
    packets: 0,
    accessUnits: 0,
    keyframes: 0,
    droppedAccessUnits: 0,
    lostPackets: 0,
    latePackets: 0,
    badPayloads: 0,
  };
  private readonly onAccessUnit: (au: AccessUnit) => void;
  private readonly onLoss: ((loss: RtpLossEvent) => void) | undefined;
  private readonly onDrop: DepacketizerOptions['onDrop'];
  private readonly maxSize: number;
  private scratch = new Uint8Array(64 * 1024);
  private used = 0;
  /** Start (after the start code) and end of each NAL unit in `scratch`. */
  private readonly bounds: number[] = [];
  private readonly gaps = new SeqGapDetector();
  private started = false;
  private open = false;
  private auTimestamp = 0;
  private auFirstSeq = 0;
  private auLastSeq = 0;
  private broken: AccessUnitDropReason | null = null;
  private brokenError: RtpError | undefined;
  private keyframe = false;
  /** Start offset of the NAL unit being reassembled from fragments, or -1. */
  private fuStart = -1;

  constructor(options: DepacketizerOptions) {
    this.onAccessUnit = options.onAccessUnit;
    this.onLoss = options.onLoss;
    this.onDrop = options.onDrop;
    this.maxSize = options.maxAccessUnitSize ?? 8 * 1024 * 1024;
  }

  /** Parses one payload into the current access unit with the protected NAL helpers. */
  protected abstract parsePayload(payload: Uint8Array): void;
  /** True when this complete NAL unit makes the access unit a keyframe. */
  protected abstract isKeyframeNal(nal: Uint8Array): boolean;
  /**
   * True when the payload's first NAL unit can only be the first of an access unit (an access unit
   * delimiter, parameter set, SEI, or the first slice of a picture). Used after a gap or for the
   * very first packet, when no marker tells where access units begin.
   */
  protected abstract startsAccessUnit(payload: Uint8Array): boolean;

  /** Pushes a decoded RTP packet (see {@link push}). */
  pushPacket(pkt: RtpPacket): void {
    this.push(pkt.payload, pkt.sequenceNumber, pkt.timestamp, pkt.marker);
  }

  /**
   * Pushes one RTP payload with its sequence number, timestamp and marker. Complete access units
   * go to `onAccessUnit` synchronously. Never throws on hostile payloads: they drop the access unit.
   *
   * @example
   * const d = new H264Depacketizer({ onAccessUnit: (au) => decoder.decode(au.annexB) });
   * d.push(pkt.payload, pkt.sequenceNumber, pkt.timestamp, pkt.marker);
   */
  push(payload: Uint8Array, sequenceNumber: number, timestamp: number, marker: boolean): void {
    this.stats.packets++;
    const seq = sequenceNumber & 0xffff;
    const ts = timestamp >>> 0;
    const lost = this.gaps.check(seq);
    if (lost < 0) {
      this.stats.latePackets++;
      return;
    }
    const gap = lost > 0;
    const first = !this.started;
    this.started = true;
    if (gap) {
      this.stats.lostPackets += lost;
      this.onLoss?.({ expectedSeq: (seq - lost) & 0xffff, receivedSeq: seq, lost });
    }
    if (this.open && ts !== this.auTimestamp) {
      // The marker of the previous access unit was lost (or never sent): a new timestamp ends it.
      // With a gap, its tail may be what was lost.
      if (gap) this.markBroken('loss');
      this.flush(false);
    }
    let fresh = false;
    if (!this.open) {
      fresh = true;
      this.open = true;
      this.auTimestamp = ts;
      this.auFirstSeq = seq;
      this.used = 0;
      this.bounds.length = 0;
      this.keyframe = false;
      this.fuStart = -1;
      this.broken = null;
      this.brokenError = undefined;
    }
    // A gap (or a stream joined midway) may have taken this access unit's first packets, unless
    // this packet visibly begins one.
    if ((gap || first) && !(fresh && this.startsAccessUnit(payload))) this.markBroken('loss');
    this.auLastSeq = seq;
    if (this.broken === null) {
      try {
        this.parsePayload(payload);
      } catch (err) {
        this.stats.badPayloads++;
        this.markBroken('bad-payload', err instanceof RtpError ? err : undefined);
        if (!(err instanceof RtpError)) throw err; // a bug of ours, not hostile input
      }
    }
    if (marker) this.flush(true);
  }

  /**
   * Ends the current access unit now (end of stream). It has not seen its marker, so it is dropped
   * unless `emitUnterminated` (a sender that never sets the marker).
   */
  flushPending(emitUnterminated = false): void {
    if (!this.open) return;
    if (!emitUnterminated) this.markBroken('loss');
    this.flush(false);
  }

  private markBroken(reason: AccessUnitDropReason, err?: RtpError): void {
    if (this.broken === null) {
      this.broken = reason;
      this.brokenError = err;
    }
  }

  private flush(marker: boolean): void {
    this.open = false;
    if (this.broken === null && this.fuStart >= 0) this.markBroken('incomplete-fragment');
    if (this.broken === null && this.bounds.length === 0) this.markBroken('bad-payload');
    if (this.broken !== null) {
      this.stats.droppedAccessUnits++;
      this.onDrop?.(this.auTimestamp, this.broken, this.brokenError);
      return;
    }
    const annexB = this.scratch.slice(0, this.used);
    const nals: Uint8Array[] = [];
    for (let k = 0; k < this.bounds.length; k += 2)
      nals.push(annexB.subarray(this.bounds[k] as number, this.bounds[k + 1] as number));
    this.stats.accessUnits++;
    if (this.keyframe) this.stats.keyframes++;
    this.onAccessUnit({
      timestamp: this.auTimestamp,
      annexB,
      nals,
      keyframe: this.keyframe,
      firstSeq: this.auFirstSeq,
      lastSeq: this.auLastSeq,
      marker,
    });
  }

  /** Makes room for `n` more bytes; false (and the access unit broken) past maxAccessUnitSize. */
  private reserve(n: number): boolean {
    const need = this.used + n;
    if (need > this.maxSize) {
      this.markBroken('too-large');
      return false;
    }
    if (need > this.scratch.length) {
      const grown = new Uint8Array(Math.min(this.maxSize, Math.max(need, this.scratch.length * 2)));
      grown.set(this.scratch.subarray(0, this.used));
      this.scratch = grown;
    }
    return true;
  }

  private writeStartCode(): void {
    const s = this.scratch;
    s[this.used] = 0;
    s[this.used + 1] = 0;
    s[this.used + 2] = 0;
    s[this.used + 3] = 1;
    this.used += 4;
  }

  /** Adds one complete NAL unit. */
  protected addNal(nal: Uint8Array): void {
    if (this.broken !== null) return;
    if (this.fuStart >= 0) throw new RtpBadPayloadError('a NAL unit inside an unfinished fragmented unit');
    if (!this.reserve(4 + nal.length)) return;
    this.writeStartCode();
    this.scratch.set(nal, this.used);
    this.bounds.push(this.used, this.used + nal.length);
    this.used += nal.length;
    if (this.isKeyframeNal(nal)) this.keyframe = true;
  }

  /**
   * Adds the units of an aggregation payload (H.264 STAP-A §5.7.1, H.265 AP §4.4.2): from `at`, a
   * 16-bit size then that many bytes of NAL unit, to the end. Sizes below `minUnit` are bad.
   * Returns the number of units.
   */
  protected addAggregated(p: Uint8Array, at: number, what: string, minUnit: number): number {
    let units = 0;
    while (at < p.length) {
      if (at + 2 > p.length) throw new RtpTruncatedError(`${what} unit size`, at);
      const size = ((p[at] as number) << 8) | (p[at + 1] as number);
      if (size < minUnit) throw new RtpBadPayloadError(`${what} unit of size ${size}`, at);
      if (at + 2 + size > p.length) throw new RtpTruncatedError(`${what} unit`, at);
      this.addNal(p.subarray(at + 2, at + 2 + size));
      at += 2 + size;
      units++;
    }
    return units;
  }

  /** Starts a fragmented NAL unit with its reconstructed header. */
  protected beginFragmented(header: Uint8Array, first: Uint8Array): void {
    if (this.broken !== null) return;
    if (this.fuStart >= 0)
      throw new RtpBadPayloadError('fragment start while another fragmented unit is open');
    if (!this.reserve(4 + header.length + first.length)) return;
    this.writeStartCode();
    this.fuStart = this.used;
    this.scratch.set(header, this.used);
    this.used += header.length;
    this.scratch.set(first, this.used);
    this.used += first.length;
  }

  /** Appends to the fragmented NAL unit; `end` completes it. */
  protected continueFragmented(data: Uint8Array, end: boolean): void {
    if (this.broken !== null) return;
    if (this.fuStart < 0) {
      // The start fragment was not seen (lost before the first packet we have, or hostile input).
      this.markBroken('incomplete-fragment');
      return;
    }
    if (!this.reserve(data.length)) return;
    this.scratch.set(data, this.used);
    this.used += data.length;
    if (end) {
      const start = this.fuStart;
      this.fuStart = -1;
      this.bounds.push(start, this.used);
      if (this.isKeyframeNal(this.scratch.subarray(start, this.used))) this.keyframe = true;
    }
  }
}
