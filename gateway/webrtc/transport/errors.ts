/** Base of every transport error: a stable `code` callers can switch on. */
export class TransportError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** send() on a conn that is closed. */
export class TransportClosedError extends TransportError {
  constructor(what = 'conn') {
    super('TRANSPORT_CLOSED', `${what} is closed`);
  }
}

/** A datagram that cannot be sent: no destination on an unconnected conn, or larger than allowed. */
export class TransportSendError extends TransportError {
  constructor(message: string) {
    super('TRANSPORT_SEND', message);
  }
}

/** A socket failed underneath a conn (the OS error is the `cause`); the conn closes with it. */
export class TransportSocketError extends TransportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRANSPORT_SOCKET', message, options);
  }
}

/** listenUdp() could not bind: address not local, port in use, or the OS refused (`cause`). */
export class TransportBindError extends TransportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRANSPORT_BIND', message, options);
  }
}

/** A single-port mux misuse: an endpoint key that is already open. */
export class TransportMuxError extends TransportError {
  constructor(message: string) {
    super('TRANSPORT_MUX_KEY_IN_USE', message);
  }
}

/** The AbortSignal a resource was given fired; `cause` is the signal's reason. */
export class TransportAbortedError extends TransportError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('TRANSPORT_ABORTED', `${what} aborted`, options);
  }
}
