import type { KeystreamBatch } from './aes-cm-keystream.ts';
import { SrtpSsrcLimitError } from './errors.ts';
import { ReplayWindow } from './replay-window.ts';

/**
 * Per-SSRC SRTP state (RFC 3711 §3.2.1 crypto context, the per-stream part): the rollover counter,
 * the highest sequence number s_l, the replay window on the receiving side, and the AES-CM
 * keystream batch precomputed for the next indices.
 */
export class RtpStreamState {
  readonly ssrc: number;
  /** ROC of the highest index seen. */
  roc: number;
  /** s_l: sequence number of the highest index seen. */
  highestSeq: number;
  /** Highest 48-bit index seen (sending side; the receiving side keeps it in `replay.highest`). */
  highestIndex: number;
  /** Receiving side only. */
  readonly replay: ReplayWindow | null;
  /** AES-CM profiles: keystream for a run of upcoming indices. */
  keystream: KeystreamBatch | null = null;
  /** Most blocks any packet needed from the current keystream batch (sizes the next one). */
  keystreamPeak = 0;
  /** When this SSRC last passed a packet (context tick), for least-recently-used eviction. */
  lastUsed = 0;

  constructor(ssrc: number, roc: number, seq: number, replayWindow: number) {
    this.ssrc = ssrc;
    this.roc = roc;
    this.highestSeq = seq;
    this.highestIndex = roc * 65536 + seq;
    this.replay = replayWindow > 0 ? new ReplayWindow(replayWindow) : null;
  }
}

/** Per-SSRC SRTCP state: the next index to send, or the replay window of received indices. */
export class RtcpStreamState {
  readonly ssrc: number;
  /** Sending side: the SRTCP index of the next packet (RFC 3711 §3.4: starts at 0). */
  nextIndex = 0;
  readonly replay: ReplayWindow | null;
  lastUsed = 0;

  constructor(ssrc: number, replayWindow: number) {
    this.ssrc = ssrc;
    this.replay = replayWindow > 0 ? new ReplayWindow(replayWindow) : null;
  }
}

/**
 * A Map of per-SSRC state bounded to `max` entries. On the receiving side ('evict') adding past the
 * bound forgets the least recently used SSRC: streams are created only for packets that
 * authenticated, so this bounds memory against many legitimate SSRCs, not against forgeries (a
 * forgotten SSRC that returns starts again at ROC 0 and with an empty replay window). On the
 * sending side ('refuse') it throws {@link SrtpSsrcLimitError} instead, since forgetting a sending
 * SSRC would reuse keystream.
 */
export class BoundedStreamMap<T extends { lastUsed: number }> {
  private readonly map = new Map<number, T>();
  evictions = 0;
  constructor(
    private readonly max: number,
    private readonly mode: 'evict' | 'refuse',
  ) {}

  get(ssrc: number): T | undefined {
    return this.map.get(ssrc);
  }

  add(ssrc: number, state: T): void {
    if (this.map.size >= this.max) {
      if (this.mode === 'refuse') throw new SrtpSsrcLimitError(ssrc, this.max);
      let victim = -1;
      let oldest = Infinity;
      for (const [k, v] of this.map) {
        if (v.lastUsed < oldest) {
          oldest = v.lastUsed;
          victim = k;
        }
      }
      this.map.delete(victim);
      this.evictions++;
    }
    this.map.set(ssrc, state);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
