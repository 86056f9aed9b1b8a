// Captures RTP datagrams arriving on a loopback UDP port into an RFC 4571 framed file (a 16-bit
// length before each packet), the format of the captures in this folder. Used to regenerate
// h264-ffmpeg.rtp4571 (see SOURCE.md):
//   node --import tsx test/vectors/rtp/capture-udp.ts PORT OUT.rtp4571 IDLE_MS
// It stops IDLE_MS (default 1000) after the last datagram.
import dgram from 'node:dgram';
import fs from 'node:fs';

const [port, file, idle] = process.argv.slice(2);
const chunks: Buffer[] = [];
const sock = dgram.createSocket('udp4');
let timer: NodeJS.Timeout | undefined;
sock.on('message', (msg) => {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  chunks.push(len, msg);
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    fs.writeFileSync(file as string, Buffer.concat(chunks));
    sock.close();
  }, Number(idle ?? 1000));
});
sock.bind(Number(port), '127.0.0.1', () => process.stdout.write('READY\n'));
