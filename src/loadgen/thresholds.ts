/**
 * Pass/fail thresholds (`--threshold 'p99<800' --threshold 'success>=0.99'`), parsed strictly and
 * checked against every scenario: one failing scenario fails the run (exit 1).
 */
import { UsageError } from '../core/command-errors.ts';

/** What a threshold can constrain; latency and TTFB in milliseconds. */
export const THRESHOLD_METRICS = [
  'mean',
  'p50',
  'p90',
  'p95',
  'p99',
  'max',
  'ttfb_p50',
  'ttfb_p99',
  'success',
  'failed',
  'rps',
  'rtf',
] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];
export type ThresholdOperator = '<' | '<=' | '>' | '>=';

export interface Threshold {
  /** As the user wrote it, for messages. */
  source: string;
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  value: number;
}

/** The values of one scenario a threshold may read. NaN (e.g. no successful request) never passes. */
export type ThresholdValues = Record<ThresholdMetric, number>;

export interface ThresholdCheck {
  threshold: string;
  scenario: string;
  actual: number;
  passed: boolean;
}

const MILLISECOND_METRICS = new Set<ThresholdMetric>([
  'mean',
  'p50',
  'p90',
  'p95',
  'p99',
  'max',
  'ttfb_p50',
  'ttfb_p99',
]);
const PATTERN = /^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|%)?\s*$/;

/** Parses one threshold expression; throws UsageError saying what is accepted. */
export function parseThreshold(source: string): Threshold {
  const match = PATTERN.exec(source);
  if (!match)
    throw new UsageError(`--threshold '${source}' is not METRIC OP NUMBER (e.g. 'p99<800' or 'success>=0.99')`);
  const [, name, operator, number, unit] = match as unknown as [
    string,
    string,
    ThresholdOperator,
    string,
    string | undefined,
  ];
  if (!(THRESHOLD_METRICS as readonly string[]).includes(name)) {
    throw new UsageError(`--threshold '${source}': unknown metric '${name}' (one of ${THRESHOLD_METRICS.join(', ')})`);
  }
  const metric = name as ThresholdMetric;
  let value = Number(number);
  if (unit === 'ms' && !MILLISECOND_METRICS.has(metric))
    throw new UsageError(`--threshold '${source}': '${metric}' is not in milliseconds`);
  if (unit === '%') {
    if (metric !== 'success') throw new UsageError(`--threshold '${source}': only 'success' takes a percentage`);
    value /= 100;
  }
  if (metric === 'success' && value > 1)
    throw new UsageError(`--threshold '${source}': success is a fraction from 0 to 1 (or a percentage with %)`);
  return { source: source.trim(), metric, operator, value };
}

/** Parses every `--threshold` given. */
export function parseThresholds(sources: readonly string[]): Threshold[] {
  return sources.map(parseThreshold);
}

function holds(actual: number, operator: ThresholdOperator, value: number): boolean {
  if (Number.isNaN(actual)) return false;
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}

/** Checks every threshold against every scenario. */
export function checkThresholds(
  thresholds: readonly Threshold[],
  scenarios: readonly { name: string; values: ThresholdValues }[],
): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  for (const threshold of thresholds) {
    for (const scenario of scenarios) {
      const actual = scenario.values[threshold.metric];
      checks.push({
        threshold: threshold.source,
        scenario: scenario.name,
        actual,
        passed: holds(actual, threshold.operator, threshold.value),
      });
    }
  }
  return checks;
}
