/**
 * RTSP headers (RFC 2326 §12, syntax of RFC 2616 §4.2): names are case-insensitive, a header may
 * repeat (cameras send several `WWW-Authenticate` lines, one per scheme), order is kept.
 *
 * @example
 * const h = new RtspHeaders([['CSeq', '2'], ['www-authenticate', 'Basic realm="x"']]);
 * h.get('cseq'); // '2'
 * h.getAll('WWW-Authenticate'); // ['Basic realm="x"']
 */
export class RtspHeaders {
  private readonly list: Array<[name: string, value: string]> = [];

  constructor(init?: Iterable<readonly [string, string]> | Record<string, string | undefined>) {
    if (!init) return;
    const entries: Iterable<readonly [string, string | undefined]> =
      Symbol.iterator in init
        ? (init as Iterable<readonly [string, string]>)
        : Object.entries(init as Record<string, string | undefined>);
    for (const [k, v] of entries) if (v !== undefined) this.append(k, v);
  }

  /** The first value of `name` (case-insensitive), or undefined. */
  get(name: string): string | undefined {
    const n = name.toLowerCase();
    for (const [k, v] of this.list) if (k.toLowerCase() === n) return v;
    return undefined;
  }

  /** Every value of `name`, in arrival order. */
  getAll(name: string): string[] {
    const n = name.toLowerCase();
    const out: string[] = [];
    for (const [k, v] of this.list) if (k.toLowerCase() === n) out.push(v);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  append(name: string, value: string): void {
    this.list.push([name, value]);
  }

  /** Replaces every value of `name` with one. */
  set(name: string, value: string): void {
    this.delete(name);
    this.list.push([name, value]);
  }

  delete(name: string): void {
    const n = name.toLowerCase();
    for (let i = this.list.length - 1; i >= 0; i--) {
      if ((this.list[i] as [string, string])[0].toLowerCase() === n) this.list.splice(i, 1);
    }
  }

  get size(): number {
    return this.list.length;
  }

  entries(): IterableIterator<[string, string]> {
    return this.list[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
