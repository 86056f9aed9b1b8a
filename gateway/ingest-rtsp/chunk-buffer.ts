/**
 * The bytes a stream parser has received but not consumed yet, in one contiguous view. A chunk is
 * used in place when nothing is pending; otherwise it is copied (on purpose) behind the pending
 * bytes into a buffer that grows geometrically, so feeding a large message byte by byte costs
 * O(n), not O(n²). Views handed out earlier stay valid: bytes already filled are never rewritten
 * (appends write past them; consumed space is abandoned, not compacted in place).
 */
export class ChunkBuffer {
  private store: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** True while `store` is a caller's chunk (never write into it). */
  private ownsNot = true;

  /** Appends `chunk` and returns every pending byte as one contiguous view. */
  append(chunk: Uint8Array): Uint8Array {
    const pending = this.end - this.start;
    if (pending === 0) {
      this.store = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.ownsNot = true;
    } else if (chunk.length > 0) {
      if (this.end + chunk.length > this.store.length || this.ownsNot) {
        const next = new Uint8Array(Math.max(1024, 2 * (pending + chunk.length)));
        next.set(this.store.subarray(this.start, this.end), 0);
        this.store = next;
        this.start = 0;
        this.end = pending;
        this.ownsNot = false;
      }
      this.store.set(chunk, this.end);
      this.end += chunk.length;
    }
    return this.store.subarray(this.start, this.end);
  }

  /** Drops the first `n` pending bytes. */
  consume(n: number): void {
    this.start = Math.min(this.end, this.start + n);
    if (this.start === this.end) this.clear();
  }

  get length(): number {
    return this.end - this.start;
  }

  clear(): void {
    this.store = new Uint8Array(0);
    this.start = 0;
    this.end = 0;
    this.ownsNot = true;
  }
}
