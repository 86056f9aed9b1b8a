/**
 * Frame rate measured from the media timestamps of the last frames (not their arrival: network
 * bursts do not skew it). A fixed ring, no allocation per frame.
 *
 * @example
 * const fps = new FrameRateMeter(90_000);
 * source.on('frame', (_st, f) => f.kind === 'video' && fps.push(f.timestamp));
 * fps.rate(); // 15
 */
export class FrameRateMeter {
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;

  constructor(
    private readonly clockRate: number,
    size = 32,
  ) {
    this.ring = new Float64Array(size);
  }

  /** One frame's (unwrapped) timestamp. A timestamp that goes back (B-frame order) still counts. */
  push(timestamp: number): void {
    this.ring[this.next] = timestamp;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
  }

  /** Frames per second over the frames held (two decimals), undefined before two frames. */
  rate(): number | undefined {
    if (this.count < 2) return undefined;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.count; i++) {
      const ts = this.ring[i] as number;
      if (ts < lo) lo = ts;
      if (ts > hi) hi = ts;
    }
    const span = (hi - lo) / this.clockRate;
    return span > 0 ? Math.round(((this.count - 1) / span) * 100) / 100 : undefined;
  }

  reset(): void {
    this.count = 0;
    this.next = 0;
  }
}
