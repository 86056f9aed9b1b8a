/** Left-aligned columns separated by two spaces, header first: what `kubectl get` prints. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** `EVENT_KIND_STREAM_ONLINE` → `stream_online` (the enum prefix off, lower case). */
export function enumLabel(value: string, prefix: string): string {
  return (value.startsWith(prefix) ? value.slice(prefix.length) : value).toLowerCase();
}

/** google.protobuf.Duration / Timestamp seconds+nanos to fractional seconds. */
export function seconds(d: { seconds: string | number; nanos: number } | null | undefined): number {
  return d === null || d === undefined ? 0 : Number(d.seconds) + d.nanos / 1e9;
}
