import type { MediaPacket } from './media-packet.ts';

/**
 * The last `size` packets of a track by sequence number, to answer NACKs (RFC 4585 §6.2.1) without
 * asking the camera. A power-of-two ring indexed by `seq & mask`: O(1), no allocation per packet.
 */
export class PacketHistory {
  private readonly ring: (MediaPacket | undefined)[];
  private readonly mask: number;

  constructor(size = 1024) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, size)));
    this.ring = new Array<MediaPacket | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  push(p: MediaPacket): void {
    this.ring[p.seq & this.mask] = p;
  }

  /** The packet with stream sequence number `seq`, if still held (and not overwritten by a newer one). */
  get(seq: number): MediaPacket | undefined {
    const p = this.ring[seq & this.mask];
    return p !== undefined && p.seq === (seq & 0xffff) ? p : undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
  }
}
