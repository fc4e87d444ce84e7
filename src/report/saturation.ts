/**
 * Which shared resource limits throughput. A resource is saturated when its units are nearly
 * always busy *and* work queues for it: utilization alone can be high with nobody waiting (a
 * perfectly fed pool), and a queue alone can be a burst. Each figure is checked with the
 * utilization law, U = X · S / c: throughput (req/s) times busy time per request (s) over the
 * capacity should give the measured utilization; both are shown, so a reader can see they agree.
 */
import type { ScenarioResult } from '../loadgen/results.ts';
import type { ResourceEntry } from '../rollup/document.ts';
import { percent } from './attribution.ts';
import { rpsNumber } from './format.ts';

/** Utilization at or above this counts as "near 1". */
const SATURATED_UTILIZATION = 0.85;
/** A mean queue of at least this many waiters counts as "a queue". */
const SATURATED_QUEUE = 0.5;
/** Scaling efficiency below this means throughput stopped growing with streams. */
const SCALING_OK = 0.9;

/** One resource in one scenario, with the utilization law's side of the check. */
export interface ResourceCheck {
  resource: ResourceEntry;
  requestsPerS: number;
  /** Unit-milliseconds busy per request. */
  busyMsPerRequest: number;
  /** requestsPerS × busyMsPerRequest / 1000 / capacity. */
  lawUtilization: number;
  saturated: boolean;
}

/** Whether `resource` is saturated (see the module comment). */
export function isSaturated(resource: ResourceEntry): boolean {
  return resource.utilization >= SATURATED_UTILIZATION && resource.queue_mean >= SATURATED_QUEUE;
}

/** Every resource of a scenario, checked against the scenario's throughput; `requests` is the server's count when known. */
export function resourceChecks(
  resources: readonly ResourceEntry[],
  requestsPerS: number,
  requests: number,
): ResourceCheck[] {
  return resources.map((resource) => {
    const busyMsPerRequest = requests > 0 ? resource.busy_ms / requests : 0;
    const lawUtilization = resource.capacity > 0 ? (requestsPerS * busyMsPerRequest) / 1000 / resource.capacity : 0;
    return { resource, requestsPerS, busyMsPerRequest, lawUtilization, saturated: isSaturated(resource) };
  });
}

/** The saturated resource that limits: the most utilized of the saturated ones, then the longest queue. */
export function bottleneck(checks: readonly ResourceCheck[]): ResourceCheck | undefined {
  return checks
    .filter((c) => c.saturated)
    .sort(
      (a, b) => b.resource.utilization - a.resource.utilization || b.resource.queue_mean - a.resource.queue_mean,
    )[0];
}

/** `41.2 req/s × 94.0 ms busy per request ÷ capacity 4 = 0.97; measured 0.97`. */
function lawText(check: ResourceCheck): string {
  return `${rpsNumber(check.requestsPerS)} req/s × ${check.busyMsPerRequest.toFixed(1)} ms busy per request ÷ capacity ${check.resource.capacity} = ${check.lawUtilization.toFixed(2)}; measured ${check.resource.utilization.toFixed(2)}`;
}

/** The verdict on one set of checks, one sentence plus the law check. */
export function verdict(checks: readonly ResourceCheck[]): string {
  if (checks.length === 0) return 'no resource figures';
  const limit = bottleneck(checks);
  if (limit) {
    const r = limit.resource;
    const others = checks.filter((c) => c.saturated && c !== limit).map((c) => c.resource.name);
    const also = others.length > 0 ? ` (also full: ${others.join(', ')})` : '';
    return `${r.name} saturates: utilization ${percent(r.utilization)} with ${r.queue_mean.toFixed(1)} waiting on average, ${r.queue_max} at most${also}. Utilization law: ${lawText(limit)}`;
  }
  const busiest = [...checks].sort((a, b) => b.resource.utilization - a.resource.utilization)[0]!;
  return `no resource saturates; the busiest is ${busiest.resource.name} at ${percent(busiest.resource.utilization)}, queue ${busiest.resource.queue_mean.toFixed(1)} on average. Utilization law: ${lawText(busiest)}`;
}

/** A scenario's checks from its per-scenario resources, or undefined when it has none. */
export function scenarioChecks(scenario: ScenarioResult): ResourceCheck[] | undefined {
  const breakdown = scenario.server_stages;
  if (!breakdown?.resources || breakdown.resources.length === 0) return undefined;
  const served = Math.max(0, ...(breakdown.requests ?? []).map((entry) => entry.count));
  return resourceChecks(breakdown.resources, scenario.requests_per_s, served > 0 ? served : scenario.requests);
}

/** The scenario with the most streams that has resource figures: where a saturation shows first. */
function busiestScenario(
  scenarios: readonly ScenarioResult[],
): { scenario: ScenarioResult; checks: ResourceCheck[] } | undefined {
  let best: { scenario: ScenarioResult; checks: ResourceCheck[] } | undefined;
  for (const scenario of scenarios) {
    const checks = scenarioChecks(scenario);
    if (checks && (!best || (scenario.streams ?? 0) > (best.scenario.streams ?? 0))) best = { scenario, checks };
  }
  return best;
}

/** The headline: whether throughput scales with streams and, from the busiest scenario, why not. */
export function scalingVerdict(scenarios: readonly ScenarioResult[], efficiency: number | null): string | undefined {
  const busiest = busiestScenario(scenarios);
  if (!busiest) return undefined;
  const scaling =
    efficiency === null
      ? ''
      : efficiency < SCALING_OK
        ? `Throughput stops growing with streams (scaling efficiency ${efficiency.toFixed(2)}). `
        : `Throughput grows with streams (scaling efficiency ${efficiency.toFixed(2)}). `;
  return `${scaling}At ${busiest.scenario.name}: ${verdict(busiest.checks)}.`;
}
