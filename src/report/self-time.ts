/**
 * Where the time goes, as self time: a span's duration minus its children's, so that the stages of
 * a request add up to the request (the root span) instead of counting the encoder and its NPU
 * kernels twice. Per scenario from the load results' server stage breakdown (span totals per
 * name, measured on the server during that scenario), and for the whole run from the span summary.
 */
import type { ScenarioResult } from '../loadgen/results.ts';
import type { ReportRun } from './input.ts';
import { flatten, nameHierarchy, spanTree, type TreeNode } from './tree.ts';

export interface StageSegment {
  name: string;
  /** The name, marked as own time for a span that has children. */
  label: string;
  /** The top-level stage it belongs to (e.g. `encoder` for `npu.kernel_execution`), for colours. */
  family: string;
}

export interface StageBar {
  label: string;
  /** Root spans (requests) the means are over. */
  requests: number;
  /** Mean self time per request of each segment, in segment order, ms. */
  selfMs: number[];
  /** Mean root span duration, ms. */
  totalMs: number;
  /** The client's mean latency for the scenario, ms (null for the whole-run bar). */
  clientMeanMs: number | null;
}

export interface StageChart {
  segments: StageSegment[];
  bars: StageBar[];
  /** Scenarios left out because the load results carry no server stages for them. */
  missing: string[];
}

/** One row of "where time goes": a path's self time per request and share of the root. */
export interface TimeShare {
  name: string;
  path: string;
  depth: number;
  /** Whether the path has children (its self time is then its own time only). */
  hasChildren: boolean;
  selfPerRequestMs: number;
  share: number;
}

/** Each span name's top-level stage (e.g. `encoder` for `npu.kernel_execution`), for colours. */
export function families(root: TreeNode): Map<string, string> {
  const family = new Map<string, string>();
  for (const node of flatten(root)) {
    if (family.has(node.name)) continue;
    const top = node.depth <= 1 ? node.name : node.entry.names[1]!;
    family.set(node.name, top);
  }
  return family;
}

function scenarioBar(
  scenario: ScenarioResult,
  rootName: string,
  names: string[],
  children: Map<string, Set<string>>,
): StageBar | undefined {
  const stages = scenario.server_stages?.stages;
  if (!stages) return undefined;
  const total = new Map(stages.map((s) => [s.name, s.total_ms]));
  const requests = stages.find((s) => s.name === rootName)?.count ?? 0;
  if (requests === 0) return undefined;
  const selfMs = names.map((name) => {
    let own = total.get(name) ?? 0;
    for (const child of children.get(name) ?? []) own -= total.get(child) ?? 0;
    return Math.max(0, own) / requests;
  });
  return {
    label: scenario.name,
    requests,
    selfMs,
    totalMs: (total.get(rootName) ?? 0) / requests,
    clientMeanMs: scenario.latency_ms.mean,
  };
}

/** Stacked self time per stage: one bar per scenario with server stages, and one for the whole run. */
export function stageChart(run: ReportRun): StageChart | undefined {
  const root = run.summary && spanTree(run.summary);
  if (!root) return undefined;
  const { names, children } = nameHierarchy(root);
  const family = families(root);
  const segments = names.map((name) => ({
    name,
    label: (children.get(name)?.size ?? 0) > 0 ? `${name} (own time)` : name,
    family: family.get(name) ?? name,
  }));
  const bars: StageBar[] = [];
  const missing: string[] = [];
  for (const scenario of run.load?.scenarios ?? []) {
    const bar = scenarioBar(scenario, root.name, names, children);
    if (bar) bars.push(bar);
    else missing.push(scenario.name);
  }
  const selfByName = new Map<string, number>();
  for (const node of flatten(root))
    selfByName.set(node.name, (selfByName.get(node.name) ?? 0) + node.entry.self_total_ms);
  bars.push({
    label: 'whole run',
    requests: root.entry.count,
    selfMs: names.map((name) => (selfByName.get(name) ?? 0) / root.entry.count),
    totalMs: root.entry.mean_ms,
    clientMeanMs: null,
  });
  return { segments, bars, missing };
}

/** Self time per path as a share of the root's time, in tree order. */
export function timeShares(run: ReportRun): TimeShare[] {
  const root = run.summary && spanTree(run.summary);
  if (!root || root.entry.total_ms <= 0) return [];
  return flatten(root).map((node) => ({
    name: node.name,
    path: node.entry.path,
    depth: node.depth,
    hasChildren: node.children.length > 0,
    selfPerRequestMs: node.entry.self_total_ms / root.entry.count,
    share: node.entry.self_total_ms / root.entry.total_ms,
  }));
}
