/** The `edge-gateway` CLI subcommands (info, streams, sessions, events) over gRPC. */
export { runCli, runCliProcess, CLI_COMMANDS, CLI_USAGE } from './run-cli.ts';
export type { CliIo } from './run-cli.ts';
export { CliUsageError } from './cli-errors.ts';
