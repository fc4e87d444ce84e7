/**
 * The run's shift for one stage: how much the other stages' work moved between A and B. A slower
 * host stretches every stage's work alike, so a stage's change net of its yardstick is what the
 * stage itself did. Waits are left out of the yardstick (a busier host lengthens queues more than
 * it stretches work), and so is the stage being judged, so its own regression does not move it.
 */
import { isWait } from './colors.ts';

/** How one stage that is not a wait moved. */
export interface StageMove {
  name: string;
  /** log(time per request in B / in A). */
  log: number;
  /** The smaller of its times per request in A and B: a stage that appears in one run (a delay
   *  planted where there was no work) must not outweigh the stages that ran in both. */
  weight: number;
}

/** The moves of the stages that are not waits and have time in both runs, from their time per request. */
export function stageMoves(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): StageMove[] {
  return [...a].flatMap(([name, pa]) => {
    const pb = b.get(name) ?? 0;
    if (isWait(name) || pa <= 0 || pb <= 0) return [];
    return [{ name, log: Math.log(pb / pa), weight: Math.min(pa, pb) }];
  });
}

/** The run's log-shift for stage `name`: the time-weighted median move of the other stages, so a
 *  regression in one stage moves neither its own yardstick nor, much, the others'. 0 without any. */
export function runShift(moves: readonly StageMove[], name: string): number {
  const others = moves.filter((m) => m.name !== name).sort((x, y) => x.log - y.log);
  const half = others.reduce((sum, m) => sum + m.weight, 0) / 2;
  let seen = 0;
  for (const m of others) {
    seen += m.weight;
    if (seen >= half) return m.log;
  }
  return 0;
}
