/**
 * Test-only MSB-first bit writer with the H.264 descriptors u(n), ue(v), se(v), rbsp_trailing_bits and
 * emulation prevention, so tests can build bitstreams that the readers must parse back.
 */
export class BitWriter {
  private readonly bits: number[] = [];

  u(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }

  flag(b: boolean): this {
    return this.u(1, b ? 1 : 0);
  }

  ue(v: number): this {
    const x = v + 1;
    const len = Math.floor(Math.log2(x));
    this.u(len, 0);
    return this.u(len + 1, x);
  }

  se(v: number): this {
    return this.ue(v > 0 ? 2 * v - 1 : -2 * v);
  }

  get length(): number {
    return this.bits.length;
  }

  /** rbsp_trailing_bits(): a 1 bit, then zeros to the byte boundary. */
  trailing(): this {
    this.bits.push(1);
    while (this.bits.length % 8) this.bits.push(0);
    return this;
  }

  /** The bits as bytes (zero-padded to a byte boundary), without emulation prevention. */
  rbsp(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => {
      if (b) out[i >> 3] = (out[i >> 3] as number) | (0x80 >> (i & 7));
    });
    return out;
  }

  /** A NAL unit: `header` bytes, then the RBSP with emulation prevention bytes inserted. */
  nal(header: readonly number[]): Uint8Array {
    return Uint8Array.from([...header, ...addEmulationPrevention(this.rbsp())]);
  }
}

/** H.264 §7.4.1: after two zero bytes, a byte 0x00..0x03 is preceded by 0x03. */
export function addEmulationPrevention(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}
