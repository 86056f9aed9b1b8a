import type { Codec } from './frame.ts';
import { PacketHistory } from './packet-history.ts';

/** The two media a stream carries. */
export type StreamKind = 'video' | 'audio';

/** Per track: the stream's sequence/timestamp space, continuous whatever the source does. */
export class StreamTrack {
  seq: number;
  private tsOffset: number;
  private lastSrc: number | undefined;
  private lastOut = 0;
  private step: number;
  rebase = false;
  readonly history: PacketHistory;

  constructor(
    readonly kind: StreamKind,
    readonly codec: Codec,
    readonly clockRate: number,
    random: () => number,
    historySize: number,
  ) {
    this.seq = Math.floor(random() * 0x10000);
    this.tsOffset = Math.floor(random() * 0x1_0000_0000);
    this.step = Math.round(clockRate / (kind === 'video' ? 30 : 50));
    this.history = new PacketHistory(historySize);
  }

  /**
   * Maps a source timestamp to the stream's. A restarted camera starts its clock anywhere (RFC 3550
   * §5.1: random initial timestamp); viewers must not see that, or their jitter buffer stalls. So on
   * a restart, a backwards step, or a jump over 10 s, the stream continues one frame step later.
   */
  outTimestamp(src: number): { ts: number; rebased: boolean } {
    let rebased = false;
    if (this.lastSrc !== undefined) {
      const d = (src - this.lastSrc) | 0;
      if (this.rebase || d < 0 || d > this.clockRate * 10) {
        this.tsOffset = (this.lastOut + this.step - src) >>> 0;
        rebased = true;
      } else if (d > 0) this.step = d;
    }
    this.rebase = false;
    this.lastSrc = src;
    this.lastOut = (src + this.tsOffset) >>> 0;
    return { ts: this.lastOut, rebased };
  }
}
