import t from 'tap';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { startRtspCamera } from './rtsp-camera.ts';

interface RtspResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** One RTSP/1.0 request on a fresh TCP connection, read up to Content-Length (RFC 2326 §4). */
function rtsp(port: number, method: string, url: string, headers: Record<string, string> = {}) {
  return new Promise<RtspResponse>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5000, () => socket.destroy(new Error('RTSP response timeout')));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
      const map = new Map<string, string>();
      for (const line of lines) {
        const i = line.indexOf(':');
        map.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
      }
      const length = Number(map.get('content-length') ?? 0);
      if (buf.length < end + 4 + length) return;
      socket.destroy();
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: map,
        body: buf.subarray(end + 4, end + 4 + length).toString('utf8'),
      });
    });
    socket.once('error', reject);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(`${method} ${url} RTSP/1.0\r\nCSeq: 1\r\n${extra.join('')}\r\n`);
  });
}

const describe = (port: number, url: string, headers: Record<string, string> = {}) =>
  rtsp(port, 'DESCRIBE', url, { Accept: 'application/sdp', ...headers });

t.test('camera answers OPTIONS and DESCRIBE with an H.264 SDP', async (t) => {
  const cam = await startRtspCamera(t);
  t.comment(`rtsp-camera ready in ${cam.process.readyMs} ms on port ${cam.port}`);
  t.match(cam.url, /^rtsp:\/\/127\.0\.0\.1:\d+$/);

  const options = await rtsp(cam.port, 'OPTIONS', `${cam.url}/cam`);
  t.equal(options.status, 200);
  for (const method of ['DESCRIBE', 'SETUP', 'PLAY', 'TEARDOWN']) {
    t.match(options.headers.get('public'), new RegExp(`\\b${method}\\b`), `Public lists ${method}`);
  }

  const sdp = await describe(cam.port, cam.mountUrl('/cam'));
  t.equal(sdp.status, 200);
  t.equal(sdp.headers.get('content-type'), 'application/sdp');
  t.match(sdp.body, /^m=video \d+ RTP\/AVP 96$/m);
  t.match(sdp.body, /^a=rtpmap:96 H264\/90000$/m);
  t.match(sdp.body, /^a=rtpmap:0 PCMU\/8000$/m, 'audio track on /cam');
  t.match(sdp.body, /sprop-parameter-sets=/, 'SPS/PPS announced');

  const h265 = await describe(cam.port, cam.mountUrl('/cam-h265'));
  t.match(h265.body, /^a=rtpmap:97 H265\/90000$/m);

  const missing = await describe(cam.port, `${cam.url}/nope`);
  t.equal(missing.status, 404);
});

t.test('basic auth: 401 without credentials, 200 with them', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: 's3cret', auth: 'basic' });
  const denied = await describe(cam.port, cam.mountUrl('/cam'));
  t.equal(denied.status, 401);
  t.match(denied.headers.get('www-authenticate'), /^Basic realm=/);
  const wrong = await describe(cam.port, cam.mountUrl('/cam'), {
    Authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}`,
  });
  t.equal(wrong.status, 401, 'wrong password refused');
  const ok = await describe(cam.port, cam.mountUrl('/cam'), {
    Authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
  });
  t.equal(ok.status, 200);
  t.match(ok.body, /H264\/90000/);
  t.equal(cam.mountUrl('/cam', { credentials: true }), `rtsp://admin:s3cret@127.0.0.1:${cam.port}/cam`);
});

t.test('digest auth: 401 with a nonce, 200 with the RFC 2617 response', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: 's3cret', auth: 'digest' });
  const url = cam.mountUrl('/cam');
  const denied = await describe(cam.port, url);
  t.equal(denied.status, 401);
  const challenge = denied.headers.get('www-authenticate') ?? '';
  t.match(challenge, /^Digest /);
  const realm = /realm="([^"]*)"/.exec(challenge)?.[1] ?? '';
  const nonce = /nonce="([^"]*)"/.exec(challenge)?.[1] ?? '';
  t.ok(nonce, 'nonce present');
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const response = md5(`${md5(`admin:${realm}:s3cret`)}:${nonce}:${md5(`DESCRIBE:${url}`)}`);
  const ok = await describe(cam.port, url, {
    Authorization: `Digest username="admin", realm="${realm}", nonce="${nonce}", uri="${url}", response="${response}"`,
  });
  t.equal(ok.status, 200);
  t.match(ok.body, /H264\/90000/);
});

t.test('restart comes back on the same port as a new process', async (t) => {
  const cam = await startRtspCamera(t);
  const firstPid = cam.process.pid;
  t.equal((await describe(cam.port, cam.mountUrl('/cam-video'))).status, 200);

  await cam.stop();
  await t.rejects(describe(cam.port, cam.mountUrl('/cam-video')), { code: 'ECONNREFUSED' }, 'camera down');

  await cam.restart();
  t.not(cam.process.pid, firstPid, 'a new process');
  const again = await describe(cam.port, cam.mountUrl('/cam-video'));
  t.equal(again.status, 200, 'same port serves again');
  t.notMatch(again.body, /PCMU/, '/cam-video has no audio');

  // restart while running (a camera reboot seen by a connected client)
  await cam.restart();
  t.equal((await describe(cam.port, cam.mountUrl('/cam'))).status, 200);
});
