/**
 * What this machine's noise is, per kind of figure: the run-to-run spread of log(B / A) between
 * two runs of the same build that per-request resampling does not explain (a whole run drawing
 * slower minutes of the host). Measured from A/A pairs of `profile --suite quick` on the shared
 * 2-core machine; docs/compare.md has the pairs, the figures and how they were derived.
 */

/** The figures the gate judges. */
export type GateMetric = 'throughput' | 'p50' | 'p99' | 'self time';

/** Scenarios are judged as measured; stages after taking out the run's common shift. */
export type GateScope = 'scenario' | 'stage';

/** The families of figures that each have their own drift. */
export type DriftFamily = GateScope | 'wait' | 'stage in scenario' | 'wait in scenario';

/** A noise model: the drift per family and figure. */
export type Drift = Readonly<Record<DriftFamily, Readonly<Partial<Record<GateMetric, number>>>>>;

/** Standard deviation of the unexplained log-ratio per scope and figure; waits (`*wait` spans)
 *  amplify a busier host more than work does and have their own. The default noise model;
 *  `compare --noise FILE` replaces it with a machine's own (gate-noise-file.ts). */
export const DRIFT: Drift = {
  scenario: { throughput: 0.85, p50: 0.8, p99: 0.9 },
  stage: { 'self time': 0.06, p50: 0.3, p99: 1.5 },
  wait: { 'self time': 0.15, p50: 0.3, p99: 1.5 },
  'stage in scenario': { 'self time': 3 },
  'wait in scenario': { 'self time': 3 },
};

/** Two-sided 95 %: the interval shown is the change +- Z standard errors. */
export const Z = 1.96;

/** A time must also grow by at least this much to be a regression: sub-millisecond stages move by their resolution. */
export const MIN_DELTA_MS = 1;

/** A stage's figure must also change by this share of the request's same figure (its mean for self
 *  time, its p50, its p99): a span that picks up a few ms of scheduling delay is not a regression. */
export const MIN_REQUEST_SHARE = 0.02;

/** The default `--max-regression`, as a fraction. */
export const DEFAULT_MAX_REGRESSION = 0.1;
