import t from 'tap';
import fc from 'fast-check';
import { parseTwinTopic, reportedPatchTopic, twinGetTopic } from './twin-topics.ts';

t.test('answers, desired patches and everything else', async (t) => {
  t.same(parseTwinTopic('$iothub/twin/res/200/?$rid=3'), { kind: 'response', status: 200, rid: 3 });
  t.same(parseTwinTopic('$iothub/twin/res/204/?$rid=12&$version=7'), {
    kind: 'response',
    status: 204,
    rid: 12,
    version: 7,
  });
  t.same(parseTwinTopic('$iothub/twin/res/429/?$version=7&$rid=1'), {
    kind: 'response',
    status: 429,
    rid: 1,
    version: 7,
  });
  t.same(parseTwinTopic('$iothub/twin/PATCH/properties/desired/?$version=9'), {
    kind: 'desired',
    version: 9,
  });
  t.same(parseTwinTopic('$iothub/twin/PATCH/properties/desired/'), { kind: 'desired' });
  for (const other of [
    '',
    '$iothub/twin/res/200/',
    '$iothub/twin/res/abc/?$rid=1',
    '$iothub/twin/res/200/?$rid=-1',
    '$iothub/twin/res/200/?$rid=99999999999999999999',
    '$iothub/twin/res/2000/?$rid=1',
    '$iothub/methods/POST/x/?$rid=1',
    'devices/d/messages/devicebound/',
  ])
    t.same(parseTwinTopic(other), { kind: 'other' }, other);
  t.equal(twinGetTopic(5), '$iothub/twin/GET/?$rid=5');
  t.equal(reportedPatchTopic(6), '$iothub/twin/PATCH/properties/reported/?$rid=6');
});

t.test('any topic string never throws; built topics parse back', async (t) => {
  const prefixes = fc.constantFrom(
    '',
    '$iothub/twin/res/',
    '$iothub/twin/PATCH/properties/desired/',
    '$iothub/twin/res/200/?',
  );
  fc.assert(
    fc.property(prefixes, fc.string({ unit: 'binary' }), (p, s) => {
      const r = parseTwinTopic(p + s);
      return ['response', 'desired', 'other'].includes(r.kind);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 100, max: 999 }), fc.nat(), fc.option(fc.nat()), (status, rid, version) => {
      const topic = `$iothub/twin/res/${status}/?$rid=${rid}${version === null ? '' : `&$version=${version}`}`;
      const r = parseTwinTopic(topic);
      return (
        r.kind === 'response' && r.status === status && r.rid === rid && r.version === (version ?? undefined)
      );
    }),
  );
  t.pass('properties held');
});
