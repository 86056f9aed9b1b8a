import type { MediaPacket } from './media-packet.ts';

/**
 * The packets of the current group of pictures: from the first packet of the last keyframe (with
 * SPS/PPS in-band) to now. A viewer that joins gets them at once and so decodes a picture without
 * waiting for the camera's next keyframe, which may be seconds away (DESIGN.md, the hub).
 * Bounded: past `maxBytes` the GOP is dropped and the next keyframe starts a new one.
 */
export class GopCache {
  private packets: MediaPacket[] = [];
  private bytes = 0;
  private valid = false;

  constructor(private readonly maxBytes = 8 * 1024 * 1024) {}

  push(p: MediaPacket): void {
    if (p.keyframeStart) {
      this.packets = [];
      this.bytes = 0;
      this.valid = true;
    }
    if (!this.valid) return;
    this.bytes += p.data.byteLength;
    if (this.bytes > this.maxBytes) {
      // A GOP this large is a camera with a very long keyframe interval: wait for the next one.
      this.packets = [];
      this.bytes = 0;
      this.valid = false;
      return;
    }
    this.packets.push(p);
  }

  /** The cached packets, oldest first (the keyframe first); empty before the first keyframe. */
  snapshot(): readonly MediaPacket[] {
    return this.packets;
  }

  /** The packets of the keyframe access unit alone (up to its marker). */
  keyframe(): readonly MediaPacket[] {
    const end = this.packets.findIndex((p) => p.marker);
    return end < 0 ? this.packets : this.packets.slice(0, end + 1);
  }

  get byteLength(): number {
    return this.bytes;
  }

  clear(): void {
    this.packets = [];
    this.bytes = 0;
    this.valid = false;
  }
}
