/**
 * The manifest's module twin goes through the gateway's own twin path: every desired stream of
 * azure-iot-edge/deployment.template.json is valid for gateway/iot-edge and applies through a real
 * stream registry with status "applied" (the URL masked when it holds a password).
 */
import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openRuntimeState } from '../gateway/config/index.ts';
import { openMemoryStreamRegistry } from '../gateway/control/index.ts';
import { DesiredStreams, DesiredStreamError, parseDesiredStreams } from '../gateway/iot-edge/index.ts';

const manifestPath = new URL('../azure-iot-edge/deployment.template.json', import.meta.url);

t.test('the deployment template twin streams apply through the twin path', async (t) => {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    modulesContent: Record<string, Record<string, Record<string, unknown>>>;
  };
  const desired = manifest.modulesContent.edgegateway?.['properties.desired'] ?? {};
  const parsed = parseDesiredStreams(desired.streams);
  if (parsed instanceof DesiredStreamError) throw parsed;
  t.same([...parsed.invalid.keys()], [], 'no invalid entry');
  t.ok(parsed.valid.size > 0, 'the template desires at least one stream');

  const dir = await mkdtemp(join(tmpdir(), 'edgegw-manifest-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const registry = await openMemoryStreamRegistry({
    store: openRuntimeState(dir, pino({ level: 'silent' })),
  });
  const onDemand = new Map<string, boolean>();
  const reported = await new DesiredStreams({ registry, onDemand }).apply({ version: 1, doc: desired });
  for (const [name, stream] of parsed.valid) {
    t.match(reported.streams, { [name]: { status: 'applied', onDemand: stream.onDemand } }, name);
    t.equal((await registry.get(name))?.sourceUrl, stream.url);
    t.equal(onDemand.get(name), stream.onDemand);
  }
  await registry.flush();
});
