/**
 * `--inject-delay SPAN=MS[@FRACTION]`: which requests get a planted delay in which stage. The
 * choice is deterministic so a run can be repeated: with fraction f, request n (counted from 0
 * as requests reach the pipeline) is chosen when ceil((n + 1) f) > ceil(n f), which picks the
 * first request and then exactly one in every 1/f, evenly spread (f = 0.1: requests 0, 10, 20...).
 */
import type { InjectedDelays } from '../telemetry/injected-delay.ts';

/** One `--inject-delay` value. */
export interface DelaySpec {
  span: string;
  ms: number;
  /** In (0, 1]. */
  fraction: number;
}

/** The canonical text of a spec, as `serve` parses it (profile passes it on this way). */
export function formatDelaySpec(spec: DelaySpec): string {
  return `${spec.span}=${spec.ms}@${spec.fraction}`;
}

/** Hands out each request's delays. */
export class DelayPlan {
  private readonly specs: readonly DelaySpec[];
  private next = 0;

  constructor(specs: readonly DelaySpec[]) {
    this.specs = specs;
  }

  /** The delays of the next request, or undefined when it gets none. */
  forNextRequest(): InjectedDelays | undefined {
    const n = this.next++;
    let delays: Record<string, number> | undefined;
    for (const spec of this.specs) {
      if (Math.ceil((n + 1) * spec.fraction) <= Math.ceil(n * spec.fraction)) continue;
      delays ??= {};
      delays[spec.span] = (delays[spec.span] ?? 0) + spec.ms;
    }
    return delays;
  }
}
