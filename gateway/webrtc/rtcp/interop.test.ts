// Independent peers for RTCP: GStreamer's rtpbin (captured compounds), Chrome's transport-wide CC
// feedback (via pion's test vectors), the draft's chunk examples, and werift's RTCP codec both ways.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import {
  GenericNack as WGenericNack,
  PictureLossIndication as WPli,
  ReceiverEstimatedMaxBitrate as WRemb,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RunLengthChunk,
  SourceDescriptionChunk,
  SourceDescriptionItem,
  TransportWideCC,
} from 'werift';
import { readRfc4571, VECTORS_DIR } from '../../../test/vectors/rtp/rtp4571.ts';
import { decodeRtcpCompound, serializeRtcp, SDES_CNAME } from './index.ts';
import type { RtcpPacket, TransportCcFeedback } from './index.ts';

const rtcpVectors = path.join(VECTORS_DIR, '..', 'rtcp');
const load = (name: string) => new Uint8Array(fs.readFileSync(path.join(rtcpVectors, name)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

t.test('GStreamer rtpbin sender: SR + SDES (+ BYE), re-encoded byte for byte', async (t) => {
  const compounds = readRfc4571(load('gst-sender-rtcp.rtp4571'));
  t.equal(compounds.length, 3);
  let lastPackets = 0;
  for (const c of compounds) {
    const pkts = decodeRtcpCompound(c, { requireReportFirst: true });
    t.equal(hex(serializeRtcp(pkts)), hex(c));
    const [sr, sdes] = pkts;
    t.equal(sr?.type, 'sr');
    if (sr?.type !== 'sr' || sdes?.type !== 'sdes') continue;
    t.equal(sr.ssrc, 0x11223344);
    t.ok(sr.packetCount > lastPackets, 'packet count grows');
    lastPackets = sr.packetCount;
    t.same(sdes.chunks, [
      {
        ssrc: 0x11223344,
        items: [
          { type: SDES_CNAME, text: 'gw@test' },
          { type: 6, text: 'gst' },
        ],
      },
    ]);
  }
  const last = decodeRtcpCompound(compounds[2] as Uint8Array);
  t.same(last[2], { type: 'bye', ssrcs: [0x11223344] });
});

t.test('GStreamer rtpbin receiver: RR with a report block about the sender', async (t) => {
  const compounds = readRfc4571(load('gst-receiver-rtcp.rtp4571'));
  const rr = decodeRtcpCompound(compounds[1] as Uint8Array, { requireReportFirst: true })[0];
  t.equal(rr?.type, 'rr');
  if (rr?.type !== 'rr') return;
  t.equal(rr.reports.length, 1);
  t.equal(rr.reports[0]?.ssrc, 0x11223344);
  t.equal(rr.reports[0]?.cumulativeLost, -1, 'signed 24-bit cumulative loss');
  for (const c of compounds) t.equal(hex(serializeRtcp(decodeRtcpCompound(c))), hex(c));
});

t.test('Chrome transport-wide CC feedback (padded): every field and delta', async (t) => {
  const v = JSON.parse(fs.readFileSync(path.join(rtcpVectors, 'twcc-libwebrtc.json'), 'utf8')) as {
    packets: Array<{
      hex: string;
      senderSsrc: number;
      mediaSsrc: number;
      baseSeq: number;
      packetStatusCount: number;
      referenceTime: number;
      fbPktCount: number;
      statuses: number[];
      deltasUs: number[];
    }>;
  };
  for (const want of v.packets) {
    const [fb] = decodeRtcpCompound(fromHex(want.hex));
    t.equal(fb?.type, 'twcc');
    if (fb?.type !== 'twcc') continue;
    t.match(fb, {
      senderSsrc: want.senderSsrc,
      mediaSsrc: want.mediaSsrc,
      baseSeq: want.baseSeq,
      packetStatusCount: want.packetStatusCount,
      referenceTime: want.referenceTime,
      fbPktCount: want.fbPktCount,
    });
    t.same(
      fb.packets.map((p) => p.status),
      want.statuses,
    );
    t.same(
      fb.packets.filter((p) => p.delta !== undefined).map((p) => (p.delta as number) * 250),
      want.deltasUs,
    );
    t.same(
      fb.packets.map((p) => p.seq),
      want.statuses.map((_, i) => want.baseSeq + i),
    );
  }
});

t.test('draft-holmer §3.1.3 / §3.1.4 chunk examples', async (t) => {
  const twcc = (count: number, chunksAndDeltas: string): TransportCcFeedback => {
    const body =
      `00000001 00000002 0001${count.toString(16).padStart(4, '0')} 00000100 ${chunksAndDeltas}`.replace(
        /\s+/g,
        '',
      );
    const padded = body + '00'.repeat((4 - ((body.length / 2) % 4)) % 4);
    const words = padded.length / 8;
    const [p] = decodeRtcpCompound(fromHex(`8fcd${words.toString(16).padStart(4, '0')}${padded}`));
    if (p?.type !== 'twcc') throw new Error('not twcc');
    return p;
  };
  t.same(
    twcc(221, '00dd').packets.map((p) => p.status),
    new Array(221).fill(0),
    '0x00DD: 221 not received',
  );
  t.same(
    twcc(24, '6018').packets.map((p) => p.status),
    new Array(24).fill(3),
    '0x6018: 24 received without delta',
  );
  const ones = [0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0];
  const v1 = twcc(14, '9f1c' + '01'.repeat(8));
  t.same(
    v1.packets.map((p) => p.status),
    ones,
    '0x9F1C: one-bit vector',
  );
  t.same(
    v1.packets.filter((p) => p.status === 1).map((p) => p.delta),
    new Array(8).fill(1),
  );
  const v2 = twcc(7, 'cd50' + '020202');
  t.same(
    v2.packets.map((p) => p.status),
    [0, 3, 1, 1, 1, 0, 0],
    '0xCD50: two-bit vector',
  );
  t.throws(() => twcc(30, '0005'), { code: 'RTCP_BAD_PACKET' }, 'chunks run out before the status count');
});

t.test('werift → ours: SR, RR, SDES, NACK, PLI, REMB', async (t) => {
  const report = new RtcpReceiverInfo({
    ssrc: 5,
    fractionLost: 12,
    packetsLost: 300,
    highestSequence: 70000,
    jitter: 9,
    lsr: 0x12345678,
    dlsr: 0x10000,
  });
  const sr = new RtcpSrPacket({
    ssrc: 0xaabbccdd,
    senderInfo: new RtcpSenderInfo({
      ntpTimestamp: 0x83aa7e8180000000n,
      rtpTimestamp: 90000,
      packetCount: 10,
      octetCount: 12000,
    }),
    reports: [report],
  });
  const rr = new RtcpRrPacket({ ssrc: 7, reports: [report] });
  const sdes = new RtcpSourceDescriptionPacket({
    chunks: [
      new SourceDescriptionChunk({
        source: 7,
        items: [new SourceDescriptionItem({ type: 1, text: 'werift-cname' })],
      }),
    ],
  });
  const nack = new RtcpTransportLayerFeedback({
    feedback: new WGenericNack({ senderSsrc: 1, mediaSourceSsrc: 2, lost: [100, 101, 105, 130] }),
  });
  const pli = new RtcpPayloadSpecificFeedback({ feedback: new WPli({ senderSsrc: 1, mediaSsrc: 2 }) });
  const remb = new RtcpPayloadSpecificFeedback({
    feedback: new WRemb({
      senderSsrc: 1,
      mediaSsrc: 0,
      brExp: 3,
      brMantissa: 100000,
      ssrcNum: 2,
      ssrcFeedbacks: [5, 6],
    }),
  });
  const bytes = Buffer.concat([
    sr.serialize(),
    rr.serialize(),
    sdes.serialize(),
    nack.serialize(),
    pli.serialize(),
    remb.serialize(),
  ]);
  const got = decodeRtcpCompound(new Uint8Array(bytes), { requireReportFirst: true });
  const block = {
    ssrc: 5,
    fractionLost: 12,
    cumulativeLost: 300,
    highestSeq: 70000,
    jitter: 9,
    lastSr: 0x12345678,
    delaySinceLastSr: 0x10000,
  };
  t.match(got[0], {
    type: 'sr',
    ssrc: 0xaabbccdd,
    ntpTimestamp: 0x83aa7e8180000000n,
    rtpTimestamp: 90000,
    packetCount: 10,
    octetCount: 12000,
    reports: [block],
  });
  t.match(got[1], { type: 'rr', ssrc: 7, reports: [block] });
  t.same(got[2], { type: 'sdes', chunks: [{ ssrc: 7, items: [{ type: 1, text: 'werift-cname' }] }] });
  t.same(got[3], { type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [100, 101, 105, 130] });
  t.same(got[4], { type: 'pli', senderSsrc: 1, mediaSsrc: 2 });
  t.same(got[5], { type: 'remb', senderSsrc: 1, mediaSsrc: 0, bitrate: 800000, ssrcs: [5, 6] });
  // REMB's exponent/mantissa is not canonical (werift: 100000 * 2^3, ours: 200000 * 2^2): compare fields
  t.equal(
    hex(serializeRtcp(got.slice(0, 5))),
    hex(bytes.subarray(0, bytes.length - remb.serialize().length)),
  );
  t.same(decodeRtcpCompound(serializeRtcp(got)), got, 'and back');
});

t.test('ours → werift: every packet werift knows parses to the same fields', async (t) => {
  const pkts: RtcpPacket[] = [
    {
      type: 'sr',
      ssrc: 1,
      ntpTimestamp: 0x83aa7e8180000000n,
      rtpTimestamp: 3000,
      packetCount: 2,
      octetCount: 2400,
      reports: [
        {
          ssrc: 9,
          fractionLost: 3,
          cumulativeLost: 40,
          highestSeq: 65600,
          jitter: 2,
          lastSr: 7,
          delaySinceLastSr: 8,
        },
      ],
      profileExtension: new Uint8Array(0),
    },
    { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: SDES_CNAME, text: 'edge-gateway' }] }] },
    { type: 'nack', senderSsrc: 1, mediaSsrc: 9, lost: [65530, 65535, 3, 40] },
    { type: 'pli', senderSsrc: 1, mediaSsrc: 9 },
    { type: 'remb', senderSsrc: 1, mediaSsrc: 0, bitrate: 2_000_000, ssrcs: [9] },
    {
      type: 'twcc',
      senderSsrc: 1,
      mediaSsrc: 9,
      baseSeq: 65530,
      packetStatusCount: 20,
      referenceTime: 1234,
      fbPktCount: 5,
      packets: Array.from({ length: 20 }, (_, i) => {
        const seq = (65530 + i) & 0xffff;
        if (i % 5 === 4) return { seq, status: 0 as const };
        if (i === 7) return { seq, status: 2 as const, delta: -40 };
        return { seq, status: 1 as const, delta: i * 3 };
      }),
    },
  ];
  // one packet per datagram (rtcp-rsize): werift 0.x hands a feedback parser the rest of a compound
  const w = pkts.flatMap((p) => RtcpPacketConverter.deSerialize(Buffer.from(serializeRtcp([p]))));
  t.equal(w.length, pkts.length);
  const [sr, sdes, nack, pli, remb, twcc] = w;
  t.ok(
    sr instanceof RtcpSrPacket &&
      sr.senderInfo.ntpTimestamp === 0x83aa7e8180000000n &&
      sr.reports[0]?.packetsLost === 40,
  );
  t.ok(sdes instanceof RtcpSourceDescriptionPacket && sdes.chunks[0]?.items[0]?.text === 'edge-gateway');
  t.ok(nack instanceof RtcpTransportLayerFeedback && nack.feedback instanceof WGenericNack);
  if (nack instanceof RtcpTransportLayerFeedback && nack.feedback instanceof WGenericNack)
    t.same(
      // werift does not wrap PID + i + 1 at 2^16 (65530 + 9 = 65539 for seq 3)
      nack.feedback.lost.map((s) => s & 0xffff),
      [65530, 65535, 3, 40],
    );
  t.ok(
    pli instanceof RtcpPayloadSpecificFeedback &&
      pli.feedback instanceof WPli &&
      pli.feedback.mediaSsrc === 9,
  );
  t.ok(remb instanceof RtcpPayloadSpecificFeedback && remb.feedback instanceof WRemb);
  if (remb instanceof RtcpPayloadSpecificFeedback && remb.feedback instanceof WRemb)
    t.equal(remb.feedback.bitrate, 2_000_000n);
  t.ok(twcc instanceof RtcpTransportLayerFeedback && twcc.feedback instanceof TransportWideCC);
  if (twcc instanceof RtcpTransportLayerFeedback && twcc.feedback instanceof TransportWideCC) {
    const fb = twcc.feedback;
    t.match(fb, { baseSequenceNumber: 65530, packetStatusCount: 20, referenceTime: 1234, fbPktCount: 5 });
    // werift's packetResults ignores status-vector chunks: expand its parsed chunks instead
    const statuses = fb.packetChunks
      .flatMap((c) =>
        c instanceof RunLengthChunk ? new Array<number>(c.runLength).fill(c.packetStatus) : c.symbolList,
      )
      .slice(0, fb.packetStatusCount);
    const ours = (pkts[5] as TransportCcFeedback).packets;
    t.same(
      statuses,
      ours.map((p) => p.status),
    );
    t.same(
      fb.recvDeltas.map((d) => d.delta),
      ours.filter((p) => p.status !== 0).map((p) => (p.delta as number) * 250),
      'receive deltas in µs',
    );
  }
});
