/**
 * The control plane's view of viewer sessions. The WHEP session table implements it (or feeds
 * the in-memory {@link createSessionTable}); `close` of an unknown id throws NotFoundError.
 */
export interface SessionRegistry {
  /** Every open session, any order (the service sorts oldest first). */
  list(): readonly SessionInfo[] | Promise<readonly SessionInfo[]>;
  /** Disconnects one viewer. @throws NotFoundError when no session has that id. */
  close(id: string, reason: string): void | Promise<void>;
}

/** Transport state, as RTCPeerConnectionState. */
export type SessionStateName = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** One viewer session. */
export interface SessionInfo {
  readonly id: string;
  readonly streamName: string;
  /** `host:port` of the viewer as seen by the gateway; "" before ICE. */
  readonly remoteAddress: string;
  readonly state: SessionStateName;
  readonly bytesSent: number;
  readonly packetsSent: number;
  readonly packetsLost: number;
  /** Round-trip time in seconds, undefined while unknown. */
  readonly rttSeconds: number | undefined;
  readonly startedAt: Date;
  /** "whep". */
  readonly protocol: string;
}
