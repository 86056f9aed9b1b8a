import t from 'tap';
import { IceError, nextIceState, nextPairState, type IceState, type PairState } from './index.ts';

/**
 * Tries every (from, to): the listed ones must pass, every other one must raise ICE_BAD_TRANSITION
 * naming the state it came from. Returns what went wrong.
 */
function table<S extends string>(legal: Record<S, readonly S[]>, next: (a: S, b: S) => S): string[] {
  const wrong: string[] = [];
  const states = Object.keys(legal) as S[];
  for (const a of states) {
    for (const b of states) {
      try {
        next(a, b);
        if (!legal[a].includes(b)) wrong.push(`${a} -> ${b} accepted`);
      } catch (e) {
        const ok = e instanceof IceError && e.code === 'ICE_BAD_TRANSITION' && e.state === a;
        if (legal[a].includes(b) || !ok) wrong.push(`${a} -> ${b} refused wrongly`);
      }
    }
  }
  return wrong;
}

t.test('agent transitions', async (t) => {
  const legal: Record<IceState, IceState[]> = {
    new: ['checking', 'closed'],
    checking: ['connected', 'failed', 'closed'],
    connected: ['completed', 'disconnected', 'failed', 'closed'],
    completed: ['disconnected', 'failed', 'closed'],
    disconnected: ['connected', 'completed', 'failed', 'closed'],
    failed: ['closed'],
    closed: [],
  };
  t.same(table(legal, nextIceState), []);
});

t.test('pair transitions (RFC 8445 Figure 6 plus triggered re-checks)', async (t) => {
  const legal: Record<PairState, PairState[]> = {
    frozen: ['waiting'],
    waiting: ['in-progress'],
    'in-progress': ['succeeded', 'failed', 'waiting'],
    succeeded: [],
    failed: ['waiting'],
  };
  t.same(table(legal, nextPairState), []);
  t.ok(table({ ...legal, succeeded: ['failed'] }, nextPairState).length > 0, 'the checker can fail');
});
