import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

/**
 * grpc.health.v1 status for the whole server ("") and for each named service,
 * switched together: the control plane is either serving or draining.
 */
export interface ServingHealth {
  /** True after `setServing(true)`. */
  readonly serving: boolean;
  /** SERVING or NOT_SERVING for "" and every service; Watch streams see the change. */
  setServing(serving: boolean): void;
  /** Registers grpc.health.v1.Health (Check, Watch, List) on the server. */
  addToServer(server: grpc.Server): void;
}

/**
 * Starts NOT_SERVING; the server flips it once it is bound.
 *
 * @example
 * const health = createServingHealth(['edgegw.v1.NodeService']);
 * health.addToServer(server);
 * health.setServing(true);
 */
export function createServingHealth(serviceNames: readonly string[]): ServingHealth {
  const names = ['', ...serviceNames];
  const impl = new HealthImplementation(Object.fromEntries(names.map((n) => [n, 'NOT_SERVING'])));
  let serving = false;
  return {
    get serving() {
      return serving;
    },
    setServing(next) {
      if (next === serving) return; // Watch streams get a message per change, not per call
      serving = next;
      for (const n of names) impl.setStatus(n, next ? 'SERVING' : 'NOT_SERVING');
    },
    addToServer(server) {
      impl.addToServer(server);
    },
  };
}
