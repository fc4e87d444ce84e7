/**
 * Unattributed time of the service's requests, scenario by scenario: the service on npu-sim runs
 * a load suite at `medium` and at `fine`, exporting its spans over OTLP to a receiver in another
 * process, and per request the time inside the SERVER span that no leaf span covers is computed
 * from the exported spans (test/support/attribution.ts, as the test does). Each scenario runs on
 * its own so its requests are known; its warm-up requests (the first ones) are left out.
 */
import { startChildService } from '../src/cli/child-service.ts';
import { runLoad } from '../src/loadgen/run-load.ts';
import { type SuiteName, suiteScenarios } from '../src/loadgen/suites.ts';
import { type Detail, SPAN } from '../src/telemetry/names.ts';
import { attribute, quantile, type RequestAttribution } from '../test/support/attribution.ts';
import { type Receiver, startReceiver } from '../test/support/otlp-receiver.ts';
import { otlpEnv } from '../test/support/service.ts';

const ROOT = SPAN.HTTP_SERVER;

export interface ScenarioAttribution {
  detail: Detail;
  scenario: string;
  requests: number;
  share_p50: number;
  share_p99: number;
}

export interface AttributionOptions {
  columns: number;
  suite: SuiteName;
  details: readonly Detail[];
  log?: (line: string) => void;
}

/**
 * The measured requests of the scenario just run: the last `measured` of those not seen before, by
 * start. What comes first (the scenario's warm-ups, any probe the load generator sends, a late
 * export of an earlier scenario) is left out.
 */
async function scenarioRequests(
  receiver: Receiver,
  seen: Set<string>,
  sent: number,
  measured: number,
): Promise<RequestAttribution[]> {
  const spans = await receiver.waitForSpans(
    (received) => received.filter((span) => span.name === ROOT).length >= seen.size + sent,
    60_000,
  );
  const fresh = attribute(spans, ROOT).filter((request) => !seen.has(request.traceId));
  for (const request of fresh) seen.add(request.traceId);
  return fresh.sort((a, b) => a.startMs - b.startMs).slice(-measured);
}

async function measureDetail(options: AttributionOptions, detail: Detail): Promise<ScenarioAttribution[]> {
  const receiver = await startReceiver();
  try {
    const service = await startChildService(
      ['--device', 'npu-sim', '--columns', String(options.columns), '--detail', detail, '--quiet'],
      {
        ...otlpEnv(receiver.url),
        OTEL_SDK_DISABLED: 'false',
        OTEL_TRACES_EXPORTER: 'otlp',
      },
    );
    const seen = new Set<string>();
    const results: ScenarioAttribution[] = [];
    try {
      for (const spec of suiteScenarios(options.suite)) {
        const load = await runLoad({
          url: service.url,
          scenarios: [spec],
          timeoutMs: 60_000,
          model: 'whisper-1',
          trace: false,
          thresholds: [],
          out: undefined,
          progress: 'none',
          suite: options.suite,
        });
        const [ran] = load.scenarios;
        if (!ran) throw new Error(`scenario ${spec.name} did not run`);
        const requests = await scenarioRequests(receiver, seen, ran.warmup + ran.requests, ran.requests);
        const shares = requests.map((request) => request.share);
        const worst = requests.reduce((a, b) => (b.share > a.share ? b : a));
        results.push({
          detail,
          scenario: spec.name,
          requests: shares.length,
          share_p50: quantile(shares, 0.5),
          share_p99: quantile(shares, 0.99),
        });
        options.log?.(
          `${detail}, ${spec.name}: unattributed share p50 ${quantile(shares, 0.5).toFixed(4)}, p99 ${quantile(shares, 0.99).toFixed(4)} (${shares.length} requests); worst ${worst.unattributedMs.toFixed(2)} of ${worst.durationMs.toFixed(1)} ms, largest gap ${worst.largestGap.ms.toFixed(2)} ms at ${worst.largestGap.atMs.toFixed(1)} ms, after ${worst.largestGap.after}, before ${worst.largestGap.before}`,
        );
      }
    } finally {
      await service.stop();
    }
    return results;
  } finally {
    await receiver.close();
  }
}

/** Every (detail, scenario) pair's unattributed share. */
export async function measureAttribution(options: AttributionOptions): Promise<ScenarioAttribution[]> {
  const results: ScenarioAttribution[] = [];
  for (const detail of options.details) results.push(...(await measureDetail(options, detail)));
  return results;
}
