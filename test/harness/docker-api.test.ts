import t from 'tap';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startDockerApi } from './docker-api.ts';
import { isAlive } from './process.ts';

t.test('dockerode is not installed (the harness speaks plain HTTP)', async (t) => {
  t.throws(() => createRequire(import.meta.url).resolve('dockerode'), { code: 'MODULE_NOT_FOUND' });
});

t.test('podman Docker API: ping, version, a container run end to end, clean stop', async (t) => {
  const t0 = performance.now();
  const api = await startDockerApi(t);
  t.comment(`docker API ready in ${Math.round(performance.now() - t0)} ms`);
  t.equal(api.dockerHost, `unix://${api.socketPath}`);

  const ping = await api.request('GET', '/_ping');
  t.equal(ping.status, 200);
  t.equal(ping.body, 'OK');

  const version = await api.request('GET', '/version');
  t.equal(version.status, 200);
  t.match(version.json(), { ApiVersion: /^1\.\d+$/, Components: [{ Name: 'Podman Engine' }] });

  const t1 = performance.now();
  const image = await api.importBusybox();
  t.comment(`busybox image imported in ${Math.round(performance.now() - t1)} ms`);
  const images = await api.request('GET', '/images/json');
  t.match(JSON.stringify(images.json()), image);

  const created = await api.request('POST', '/containers/create?name=harness-hello', {
    Image: image,
    Cmd: ['sh', '-c', 'echo hello-from-container; exit 7'],
    HostConfig: { NetworkMode: 'none' },
  });
  t.equal(created.status, 201, created.body);
  const id = (created.json() as { Id: string }).Id;
  t.equal((await api.request('POST', `/containers/${id}/start`)).status, 204);
  const waited = await api.request('POST', `/containers/${id}/wait`);
  t.match(waited.json(), { StatusCode: 7 }, 'exit code comes back through the API');
  const logs = await api.request('GET', `/containers/${id}/logs?stdout=true&stderr=true`);
  t.match(logs.body, 'hello-from-container');

  // a long-running container left behind must not outlive stop()
  const sleeper = await api.request('POST', '/containers/create?name=harness-sleeper', {
    Image: image,
    Cmd: ['sleep', '600'],
    HostConfig: { NetworkMode: 'none' },
  });
  const sleeperId = (sleeper.json() as { Id: string }).Id;
  t.equal((await api.request('POST', `/containers/${sleeperId}/start`)).status, 204);
  const inspect = await api.request('GET', `/containers/${sleeperId}/json`);
  const containerPid = (inspect.json() as { State: { Pid: number } }).State.Pid;
  t.ok(containerPid > 0, 'sleeper runs');

  const { ms } = await api.stop();
  t.comment(`docker API stopped in ${ms} ms`);
  t.notOk(isAlive(api.pid), 'service gone');
  t.notOk(isAlive(containerPid), 'container process gone');
  t.notOk(existsSync(api.stateDir), 'state dir removed');
});
