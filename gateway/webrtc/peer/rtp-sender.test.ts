import t from 'tap';
import { createPipe } from '../transport/index.ts';
import { SrtpContext, SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM } from '../srtp/index.ts';
import { RtpSender } from './rtp-sender.ts';

/*
 * The relay's per-viewer step: a stream packet (shared header template + shared payload view) goes
 * out re-stamped and SRTP-protected. Checked by unprotecting on the far side of a pipe with an
 * independent context, across packet lengths that repeat (the reused output view), shrink and grow
 * past the output buffer (reallocation), for both SRTP profile families.
 */
const masterKey = new Uint8Array(16).map((_, i) => i + 1);
const masterSalt = new Uint8Array(14).map((_, i) => 0xa0 + i);

for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM]) {
  t.test(`profile ${profile}: every packet arrives re-stamped with its own payload`, async (t) => {
    const salt = profile === SRTP_AEAD_AES_128_GCM ? masterSalt.subarray(0, 12) : masterSalt;
    const tx = new SrtpContext({ profile, masterKey, masterSalt: salt });
    const rx = new SrtpContext({ profile, masterKey, masterSalt: salt });
    const [a, b] = createPipe();
    const got: Uint8Array[] = [];
    b.onData((d) => got.push(rx.unprotectRtp(d).slice()));
    const sender = new RtpSender({
      ssrc: 0x11223344,
      payloadType: 102,
      srtp: tx,
      conn: a,
      random: () => 0.5,
    });
    const template = new Uint8Array([0x80, 0xe0, 0, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
    const lengths = [1200, 1200, 1200, 37, 1200, 4000, 1200, 1];
    lengths.forEach((len, i) => {
      const payload = new Uint8Array(len).fill(i + 1);
      t.ok(sender.send(template, payload, 1000 + i, 90_000 * i), `packet ${i} sent`);
    });
    await new Promise((r) => setTimeout(r, 20));
    t.equal(got.length, lengths.length);
    got.forEach((pkt, i) => {
      const dv = new DataView(pkt.buffer, pkt.byteOffset);
      t.equal(pkt[1]! & 0x7f, 102, 'payload type');
      t.equal(pkt[1]! & 0x80, 0x80, 'marker from the template');
      t.equal(dv.getUint16(2), (1000 + i + 0x8000) & 0xffff, 'seq = stream seq + offset');
      t.equal(dv.getUint32(4), (90_000 * i + 0x80000000) >>> 0, 'ts = stream ts + offset');
      t.equal(dv.getUint32(8), 0x11223344, 'ssrc');
      t.equal(pkt.length - 12, lengths[i], 'payload length');
      t.ok(
        pkt.subarray(12).every((x) => x === i + 1),
        `payload ${i} intact`,
      );
    });
    t.equal(sender.stats.packets, lengths.length);
    a.close();
    b.close();
  });
}
