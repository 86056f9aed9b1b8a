/**
 * What alerts mean for the conn (RFC 5246 §7.2). A received close_notify ends the association
 * (§7.2.1; during the handshake it is a failure), a fatal alert closes it at once without a reply
 * (§7.2.2), a warning is logged and ignored. A local failure sends the fatal alert its error names,
 * internal_error for an unexpected one, and nothing when there is no one to tell (timeout, closed
 * transport, abort).
 */
import { AlertDescriptions, AlertLevel, alertName, decodeAlert } from './alert.ts';
import {
  DtlsAbortedError,
  DtlsAlertError,
  DtlsClosedError,
  DtlsHandshakeError,
  DtlsHandshakeTimeoutError,
} from './errors.ts';
import type { DtlsLogger } from './options.ts';
import type { DtlsStats } from './stats.ts';

/** How a received alert closes the conn: `err` for a failure, `notify` to answer close_notify. */
export interface AlertClose {
  err: DtlsAlertError | undefined;
  notify: boolean;
}

/** A received alert record; returns how to close, or undefined (malformed: counted; warning: logged). */
export function receivedAlert(
  payload: Uint8Array,
  handshaking: boolean,
  stats: DtlsStats,
  logger: DtlsLogger | undefined,
): AlertClose | undefined {
  let alert;
  try {
    alert = decodeAlert(payload);
  } catch {
    return void stats.malformedRecords++;
  }
  const name = alertName(alert.description);
  if (alert.description === AlertDescriptions.close_notify) {
    if (handshaking) return { err: new DtlsAlertError(alert.level, alert.description, name), notify: false };
    logger?.debug({}, 'dtls close_notify received');
    return { err: undefined, notify: true };
  }
  if (alert.level === AlertLevel.fatal) {
    return { err: new DtlsAlertError(alert.level, alert.description, name), notify: false };
  }
  logger?.warn({ alert: name }, 'dtls warning alert ignored');
  return undefined;
}

/** The fatal alert a local failure sends before closing, or undefined when none is sent. */
export function alertForFailure(err: Error): number | undefined {
  if (err instanceof DtlsHandshakeError) return AlertDescriptions[err.alert];
  if (
    err instanceof DtlsHandshakeTimeoutError ||
    err instanceof DtlsClosedError ||
    err instanceof DtlsAbortedError
  ) {
    return undefined;
  }
  return AlertDescriptions.internal_error;
}
