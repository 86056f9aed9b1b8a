import type { Meter } from '@opentelemetry/api';

/**
 * Process-level instruments every node exports: uptime, resident memory, CPU time and a build
 * info gauge carrying the version, so a fleet dashboard can group nodes by release.
 */
export function registerProcessMetrics(
  meter: Meter,
  info: { version: string; nodeId: string; arch: string },
): void {
  const started = performance.now();
  meter
    .createObservableGauge('edgegw.process.uptime', {
      unit: 's',
      description: 'Seconds since the gateway started',
    })
    .addCallback((r) => r.observe((performance.now() - started) / 1000));
  meter
    .createObservableGauge('edgegw.process.memory.rss', { unit: 'By', description: 'Resident set size' })
    .addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter
    .createObservableCounter('edgegw.process.cpu.time', {
      unit: 's',
      description: 'CPU time used by the process',
    })
    .addCallback((r) => {
      const u = process.cpuUsage();
      r.observe(u.user / 1e6, { 'cpu.mode': 'user' });
      r.observe(u.system / 1e6, { 'cpu.mode': 'system' });
    });
  meter
    .createObservableGauge('edgegw.build.info', {
      description: 'Always 1; labels carry version, node and arch',
    })
    .addCallback((r) => r.observe(1, { version: info.version, node: info.nodeId, arch: info.arch }));
}
