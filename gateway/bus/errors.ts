/** The local nats-server child could not be started or did not become ready. */
export class NatsChildError extends Error {
  readonly code = 'BUS_NATS_CHILD';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NatsChildError';
  }
}

/** Connecting to the configured NATS server failed. */
export class BusConnectError extends Error {
  readonly code = 'BUS_CONNECT';
  constructor(url: string, options: { cause: unknown }) {
    super(`cannot connect to NATS at ${url}: ${(options.cause as Error).message}`, options);
    this.name = 'BusConnectError';
  }
}
