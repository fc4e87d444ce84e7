/**
 * The tail of each scenario and of the whole run, side by side: which request entry speaks for
 * each (the main root's, per scenario from the load results' server breakdown) and the stages
 * to chart, so every view draws the same stages in the same colours.
 */
import type { RequestEntry } from '../rollup/document.ts';
import { mainRequests, namedStages, requestEntries, tailExtraMs } from './attribution.ts';
import type { ReportRun } from './input.ts';

/** The tail of one scenario, or of the whole run. */
export interface TailView {
  label: string;
  entry: RequestEntry;
}

/** Stages charted at most; the rest of the extra time is drawn as "other". */
const MAX_CHARTED = 8;

/** The whole run's main root first, then every scenario whose breakdown has that root. */
export function tailViews(run: ReportRun): TailView[] {
  const whole = run.summary && mainRequests(run.summary);
  const views: TailView[] = whole ? [{ label: 'whole run', entry: whole }] : [];
  for (const scenario of run.load?.scenarios ?? []) {
    const entries = scenario.server_stages?.requests ?? [];
    const entry = entries.find((e) => e.root === whole?.root) ?? [...entries].sort((a, b) => b.count - a.count)[0];
    if (entry && entry.count > 0) views.push({ label: scenario.name, entry });
  }
  return views;
}

/** Whether the run's span summary carries request attribution at all (older ones do not). */
export function hasAttribution(run: ReportRun): boolean {
  return run.summary !== undefined && requestEntries(run.summary).length > 0;
}

/** The stages to chart: every view's named stages, largest total delta first, at most MAX_CHARTED. */
export function chartedStages(views: readonly TailView[]): string[] {
  const weight = new Map<string, number>();
  for (const { entry } of views)
    for (const stage of namedStages(entry.tail)) weight.set(stage.name, (weight.get(stage.name) ?? 0) + stage.delta_ms);
  return [...weight]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_CHARTED)
    .map(([name]) => name);
}

/** A view's extra time split into the charted stages (positive deltas only) and the rest. */
export function tailSplit(view: TailView, stages: readonly string[]): { perStage: number[]; otherMs: number } {
  const delta = new Map(view.entry.tail.stages.map((s) => [s.name, Math.max(0, s.delta_ms)]));
  const perStage = stages.map((name) => delta.get(name) ?? 0);
  const extra = Math.max(0, tailExtraMs(view.entry.tail));
  return { perStage, otherMs: Math.max(0, extra - perStage.reduce((a, b) => a + b, 0)) };
}
