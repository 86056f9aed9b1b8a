import type * as grpc from '@grpc/grpc-js';
import { unaryHandler } from './call-status.ts';
import { InvalidFieldError } from './errors.ts';
import type { ControlLogger } from './logger.ts';
import { secondsToDuration } from './node-info.ts';
import type { SessionInfo, SessionRegistry, SessionStateName } from './session-registry.ts';
import { validateStreamName } from './stream-validation.ts';
import { toTimestamp } from './wire-time.ts';

/** Fully-qualified name of the service these handlers implement. */
export const SESSION_SERVICE = 'edgegw.v1.SessionService';

/** Longest CloseSession reason accepted. */
export const MAX_REASON_LENGTH = 256;

const STATE_TO_WIRE: Record<SessionStateName, string> = {
  new: 'SESSION_STATE_NEW',
  connecting: 'SESSION_STATE_CONNECTING',
  connected: 'SESSION_STATE_CONNECTED',
  disconnected: 'SESSION_STATE_DISCONNECTED',
  failed: 'SESSION_STATE_FAILED',
  closed: 'SESSION_STATE_CLOSED',
};

/** edgegw.v1.Session as proto-loader objects. */
export function toSessionWire(s: SessionInfo) {
  return {
    id: s.id,
    streamName: s.streamName,
    remoteAddress: s.remoteAddress,
    state: STATE_TO_WIRE[s.state],
    bytesSent: s.bytesSent,
    packetsSent: s.packetsSent,
    packetsLost: s.packetsLost,
    rtt: s.rttSeconds === undefined ? null : secondsToDuration(s.rttSeconds),
    startedAt: toTimestamp(s.startedAt),
    protocol: s.protocol,
  };
}

/** Handlers of edgegw.v1.SessionService over a {@link SessionRegistry}. */
export function sessionServiceHandlers(
  sessions: SessionRegistry,
  logger: ControlLogger,
): grpc.UntypedServiceImplementation {
  return {
    ListSessions: unaryHandler('ListSessions', logger, async (req: { streamName: string }) => {
      if (req.streamName !== '') validateStreamName(req.streamName, 'stream_name');
      const all = (await sessions.list())
        .filter((s) => req.streamName === '' || s.streamName === req.streamName)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1));
      return { sessions: all.map(toSessionWire) };
    }),
    CloseSession: unaryHandler('CloseSession', logger, async (req: { id: string; reason: string }) => {
      if (req.id === '') throw new InvalidFieldError('id', 'required');
      if (req.reason.length > MAX_REASON_LENGTH)
        throw new InvalidFieldError('reason', `longer than ${MAX_REASON_LENGTH} characters`);
      const reason = req.reason === '' ? 'closed over gRPC' : req.reason;
      await sessions.close(req.id, reason);
      logger.info({ session: req.id, reason }, 'session closed over gRPC');
      return {};
    }),
  };
}
