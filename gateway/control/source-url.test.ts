import fc from 'fast-check';
import t from 'tap';
import { InvalidFieldError, keepMaskedPassword, maskSourceUrl, validateSourceUrl } from './index.ts';

t.test('maskSourceUrl', async (t) => {
  t.equal(maskSourceUrl('rtsp://admin:secret@cam/stream'), 'rtsp://admin:***@cam/stream');
  t.equal(maskSourceUrl('rtsp://admin@cam/stream'), 'rtsp://admin:***@cam/stream');
  t.equal(maskSourceUrl('rtsp://cam:554/stream'), 'rtsp://cam:554/stream');
  t.equal(maskSourceUrl('rtsps://a:b:c@[::1]:322/x?y=1'), 'rtsps://a:***@[::1]:322/x?y=1');
  t.equal(maskSourceUrl('rtsp://a:p@ss@cam/s'), 'rtsp://a:***@cam/s', 'up to the last @ of the authority');
  t.equal(maskSourceUrl('not a url'), 'not a url');
});

t.test('the password never survives masking (property)', async (t) => {
  const part = fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=-]{1,20}$/);
  fc.assert(
    fc.property(part, part, (user, password) => {
      fc.pre(!user.includes(password) && !'rtsp://:***@cam.local/live'.includes(password));
      return !maskSourceUrl(`rtsp://${user}:${password}@cam.local/live`).includes(password);
    }),
  );
  t.pass('property held');
});

t.test('validateSourceUrl names the field and never echoes the URL', async (t) => {
  validateSourceUrl('source_url', 'rtsp://u:p@10.0.0.5:554/s');
  validateSourceUrl('source_url', 'rtsps://cam/s');
  for (const bad of ['', 'http://u:pw@x/', 'rtsp:///nohost', 'rtsp://u:pw@ x/', 'pw']) {
    const err = t.throws(() => validateSourceUrl('source_url', bad)) as InvalidFieldError;
    t.type(err, InvalidFieldError);
    t.equal(err.field, 'source_url');
    if (bad.includes('pw')) t.notMatch(err.message, 'pw');
  }
});

t.test('keepMaskedPassword', async (t) => {
  t.equal(
    keepMaskedPassword('rtsp://admin:***@cam/s2', 'rtsp://admin:s%40cret@cam/s1'),
    'rtsp://admin:s%40cret@cam/s2',
  );
  t.equal(
    keepMaskedPassword('rtsp://admin:new@cam/s2', 'rtsp://admin:old@cam/s1'),
    'rtsp://admin:new@cam/s2',
  );
  t.equal(keepMaskedPassword('rtsp://cam/s2', 'rtsp://admin:old@cam/s1'), 'rtsp://cam/s2');
  t.equal(keepMaskedPassword('garbage', 'rtsp://a:b@c/'), 'garbage');
});
