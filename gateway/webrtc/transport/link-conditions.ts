import type { Prng } from './prng.ts';

/**
 * How a virtual link treats each datagram. Every knob defaults to 0 (a perfect, instant link).
 * Draws come from the network's seeded {@link Prng}, so a seed replays the same losses.
 *
 * @example
 * vnet.link(alice, bob, { loss: 0.05, delayMs: 40, jitterMs: 10, duplicate: 0.01 });
 */
export interface LinkConditions {
  /** Probability in [0, 1] that a datagram is lost. */
  loss?: number;
  /** One-way base delay in ms. */
  delayMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per datagram; reorders datagrams closer than it. */
  jitterMs?: number;
  /** Probability that a datagram arrives twice (each copy gets its own delay). */
  duplicate?: number;
  /** Probability that a datagram is held back `reorderDelayMs` more, arriving after later ones. */
  reorder?: number;
  /** Hold-back for `reorder`, in ms. Default 10. */
  reorderDelayMs?: number;
}

/** What {@link planDelivery} decided for one datagram. */
export interface DeliveryPlan {
  /** One delay per copy to deliver: empty when lost, two entries when duplicated. */
  delays: number[];
  lost: boolean;
  duplicated: boolean;
  /** How many copies were held back for reordering. */
  reordered: number;
}

/** Rolls the dice for one datagram on a link; the draw order is fixed so seeds replay exactly. */
export function planDelivery(c: LinkConditions, rng: Prng): DeliveryPlan {
  const plan: DeliveryPlan = { delays: [], lost: false, duplicated: false, reordered: 0 };
  if (rng.chance(c.loss ?? 0)) {
    plan.lost = true;
    return plan;
  }
  plan.duplicated = rng.chance(c.duplicate ?? 0);
  const copies = plan.duplicated ? 2 : 1;
  const jitter = c.jitterMs ?? 0;
  for (let i = 0; i < copies; i++) {
    let d = (c.delayMs ?? 0) + (jitter > 0 ? rng.next() * jitter : 0);
    if (rng.chance(c.reorder ?? 0)) {
      d += c.reorderDelayMs ?? 10;
      plan.reordered++;
    }
    plan.delays.push(d);
  }
  return plan;
}
