import type { Candidate } from '../ice/index.ts';
import type { CandidateLine } from '../sdp/index.ts';

/** An ICE candidate in the SDP module's shape (our host candidates, for answers and sdpfrags). */
export function toCandidateLine(c: Candidate): CandidateLine {
  return {
    foundation: c.foundation,
    component: c.component,
    transport: c.transport,
    priority: c.priority,
    ip: c.address,
    port: c.port,
    type: c.type,
  };
}

export function candidateLine(c: CandidateLine): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`;
  if (c.raddr !== undefined && c.rport !== undefined) s += ` raddr ${c.raddr} rport ${c.rport}`;
  if (c.tcptype) s += ` tcptype ${c.tcptype}`;
  return s;
}
