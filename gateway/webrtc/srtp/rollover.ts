/**
 * RFC 3711 §3.3.1 and Appendix A: guess the rollover counter v of a packet with sequence number
 * `seq`, given the highest sequence number s_l received so far and its ROC.
 *
 * ```
 *   if (s_l < 32,768)
 *      if (SEQ - s_l > 32,768)
 *         set v to (ROC-1) mod 2^32
 *      else
 *         set v to ROC
 *      endif
 *   else
 *      if (s_l - 32,768 > SEQ)
 *         set v to (ROC+1) mod 2^32
 *      else
 *         set v to ROC
 *      endif
 *   endif
 *   return SEQ + v*65,536
 * ```
 *
 * Unlike the pseudo-code, ROC-1 is not taken mod 2^32: at ROC 0 it returns -1, which makes the
 * index negative, i.e. older than anything this context has seen (the replay window then rejects
 * it), instead of a packet 2^48 ahead.
 *
 * @returns the estimated ROC (may be -1 or 2^32 at the extremes; the caller rejects those).
 */
export function estimateRoc(seq: number, highestSeq: number, roc: number): number {
  if (highestSeq < 32768) {
    return seq - highestSeq > 32768 ? roc - 1 : roc;
  }
  return highestSeq - 32768 > seq ? roc + 1 : roc;
}

/** The 48-bit packet index i = 2^16 * ROC + SEQ (RFC 3711 §3.3.1). */
export function packetIndex(roc: number, seq: number): number {
  return roc * 65536 + seq;
}

/** Largest ROC: the index is 48 bits (RFC 3711 §3.2.1). */
export const MAX_ROC = 0xffffffff;
