import { DtlsParseError } from './errors.ts';

/**
 * A bounds-checked cursor over a `Uint8Array` for the TLS presentation language (RFC 5246 §4):
 * big-endian integers and length-prefixed vectors. Every read that would pass the end throws a
 * {@link DtlsParseError} (the module's own error; callers count and drop), and slices are views,
 * not copies.
 */
export class ByteReader {
  private off = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get offset(): number {
    return this.off;
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  fail(message: string, offset = this.off): never {
    throw new DtlsParseError(this.what, message, offset);
  }

  private need(n: number): void {
    if (this.remaining < n) this.fail(`needs ${n} bytes, ${this.remaining} left`);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.off++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.off);
    this.off += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = (this.view.getUint8(this.off) << 16) | this.view.getUint16(this.off + 1);
    this.off += 3;
    return v;
  }

  u48(): number {
    this.need(6);
    const v = this.view.getUint16(this.off) * 2 ** 32 + this.view.getUint32(this.off + 2);
    this.off += 6;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }

  /** opaque x<min..max> with a 1-byte length. */
  vec8(min = 0, max = 0xff): Uint8Array {
    const at = this.off;
    const n = this.u8();
    if (n < min || n > max) this.fail(`vector length ${n} outside ${min}..${max}`, at);
    return this.bytes(n);
  }

  /** opaque x<min..max> with a 2-byte length. */
  vec16(min = 0, max = 0xffff): Uint8Array {
    const at = this.off;
    const n = this.u16();
    if (n < min || n > max) this.fail(`vector length ${n} outside ${min}..${max}`, at);
    return this.bytes(n);
  }

  /** opaque x<min..max> with a 3-byte length. */
  vec24(min = 0, max = 0xffffff): Uint8Array {
    const at = this.off;
    const n = this.u24();
    if (n < min || n > max) this.fail(`vector length ${n} outside ${min}..${max}`, at);
    return this.bytes(n);
  }

  /** A list of uint16 values in a vector with a 2-byte length (cipher suites, groups, schemes). */
  u16List(lenBytes: 1 | 2, min = 0): number[] {
    const at = this.off;
    const body = lenBytes === 1 ? this.vec8(min) : this.vec16(min);
    if (body.length % 2 !== 0) this.fail('odd length for a uint16 list', at);
    const out: number[] = [];
    for (let i = 0; i < body.length; i += 2) out.push(((body[i] ?? 0) << 8) | (body[i + 1] ?? 0));
    return out;
  }

  /** Asserts that the whole buffer was consumed (trailing bytes are a decode_error). */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} trailing bytes`);
  }
}
