#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, ConfigFileError } from './config/index.ts';
import { createLogger } from './telemetry/index.ts';
import { startGateway } from './gateway.ts';
import { CLI_COMMANDS, runCliProcess } from './control/index.ts';
import { runProbeCli } from './ingest-rtsp/index.ts';
import { VERSION } from './version.ts';

const USAGE = `usage: edge-gateway [--config FILE]
       edge-gateway probe rtsp://…          what a camera offers and whether browsers can play it
       edge-gateway info|streams|sessions|events …   the control plane over gRPC (--help for each)

Runs the edge gateway. Every setting can also come from the environment (EDGEGW_*); see README.md.
  --config FILE   YAML config file (or EDGEGW_CONFIG)
  --version       print the version
  --help          this text`;

/** Process entry: read config, wire the parts, handle signals. Wiring only. */
async function main(): Promise<number> {
  const sub = process.argv[2];
  if (sub !== undefined && CLI_COMMANDS.has(sub)) return runCliProcess(process.argv.slice(2));
  if (sub === 'probe') return runProbeCli(process.argv.slice(3));
  const { values } = parseArgs({
    options: { config: { type: 'string' }, version: { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (values.version) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  let loaded;
  try {
    loaded = loadConfig({ file: values.config });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConfigFileError) {
      process.stderr.write(`edge-gateway: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(loaded.config.log.level);
  const gw = await startGateway(loaded.config, { logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      // A second signal, or a close that hangs, must not keep an orchestrator waiting.
      const force = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, 8000);
      force.unref();
      process.once(signal, () => process.exit(1));
      void gw.close().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`edge-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
