/** google.protobuf.Timestamp as proto-loader writes it. */
export interface TimestampWire {
  seconds: string | number;
  nanos: number;
}

/** A Date to google.protobuf.Timestamp (seconds since the epoch, UTC, and nanos). */
export function toTimestamp(date: Date): TimestampWire {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

/** google.protobuf.Timestamp to a Date (millisecond precision). */
export function fromTimestamp(ts: TimestampWire): Date {
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6));
}
