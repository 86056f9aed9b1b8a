/**
 * An append-only writer for the TLS presentation language (RFC 5246 §4). Handshake messages are
 * small and built once per flight, so it collects parts and joins them once in {@link finish}.
 */
export class ByteWriter {
  private parts: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  u8(v: number): this {
    return this.bytes(Uint8Array.of(v & 0xff));
  }

  u16(v: number): this {
    return this.bytes(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }

  u24(v: number): this {
    return this.bytes(Uint8Array.of((v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }

  u48(v: number): this {
    const hi = Math.floor(v / 2 ** 32);
    const lo = v >>> 0;
    return this.bytes(
      Uint8Array.of(
        (hi >>> 8) & 0xff,
        hi & 0xff,
        (lo >>> 24) & 0xff,
        (lo >>> 16) & 0xff,
        (lo >>> 8) & 0xff,
        lo & 0xff,
      ),
    );
  }

  vec8(b: Uint8Array): this {
    return this.u8(b.length).bytes(b);
  }

  vec16(b: Uint8Array): this {
    return this.u16(b.length).bytes(b);
  }

  vec24(b: Uint8Array): this {
    return this.u24(b.length).bytes(b);
  }

  /** A list of uint16 values prefixed by its byte length in `lenBytes` bytes. */
  u16List(values: readonly number[], lenBytes: 1 | 2): this {
    const body = new Uint8Array(values.length * 2);
    values.forEach((v, i) => {
      body[2 * i] = (v >>> 8) & 0xff;
      body[2 * i + 1] = v & 0xff;
    });
    return lenBytes === 1 ? this.vec8(body) : this.vec16(body);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Joins byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of parts) w.bytes(p);
  return w.finish();
}
