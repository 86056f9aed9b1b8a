/**
 * NATS subjects live under `edgegw.<node>.` (DESIGN.md, Control, bus, plugins). Public interface:
 * plugins subscribe to these names.
 */
export const subjects = {
  /** Gateway and stream lifecycle events, JSON. */
  events: (node: string) => `edgegw.${node}.events`,
  /** Request/reply: a plugin asks the node who it is. */
  info: (node: string) => `edgegw.${node}.info`,
} as const;
