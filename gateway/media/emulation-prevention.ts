/**
 * Removes emulation_prevention_three_byte (ITU-T H.264 §7.3.1 / H.265 §7.3.1.1): inside a NAL unit
 * every 0x000003 stands for 0x0000 followed by the next byte, so that no 0x000001 start code can appear
 * in the payload. Returns the RBSP; returns `nal` itself (no copy) when there is nothing to remove.
 *
 * @example
 * removeEmulationPrevention(Uint8Array.of(0x67, 0, 0, 3, 1)); // Uint8Array [0x67, 0, 0, 1]
 */
export function removeEmulationPrevention(nal: Uint8Array): Uint8Array {
  let zeros = 0;
  let first = -1;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i] as number;
    if (zeros >= 2 && b === 3) {
      first = i;
      break;
    }
    zeros = b === 0 ? zeros + 1 : 0;
  }
  if (first < 0) return nal;
  const out = new Uint8Array(nal.length);
  out.set(nal.subarray(0, first));
  let o = first;
  zeros = 0;
  for (let i = first + 1; i < nal.length; i++) {
    const b = nal[i] as number;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[o++] = b;
  }
  return out.subarray(0, o);
}
