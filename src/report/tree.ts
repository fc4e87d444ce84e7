/**
 * The request's span tree as the span summary's paths describe it: one node per path below the
 * root (the `transcribe` span when present), children ordered by their mean start.
 */
import type { PathEntry, SpanSummaryDocument } from '../rollup/document.ts';
import { SPAN } from '../telemetry/names.ts';

export interface TreeNode {
  entry: PathEntry;
  /** The span name (last element of the path). */
  name: string;
  /** 0 for the root. */
  depth: number;
  children: TreeNode[];
  /** Spans on this path per root span (1 for a stage that runs once per request). */
  perRequest: number;
}

/** Paths keyed by their names array (span names may contain '/', so not by `path`). */
function key(names: readonly string[]): string {
  return JSON.stringify(names);
}

/**
 * The root path to read: the one named, else `transcribe` if it exists, else the root with most
 * time under it.
 */
function chooseRoot(paths: readonly PathEntry[], name: string | undefined): PathEntry | undefined {
  const roots = paths.filter((p) => p.names.length === 1 && p.count > 0);
  if (name !== undefined) return roots.find((p) => p.names[0] === name);
  const transcribe = roots.find((p) => p.names[0] === SPAN.TRANSCRIBE);
  if (transcribe) return transcribe;
  const hasChildren = (root: PathEntry): boolean =>
    paths.some((p) => p.names.length === 2 && p.names[0] === root.names[0]);
  return roots.filter(hasChildren).sort((a, b) => b.total_ms - a.total_ms)[0];
}

/**
 * The span tree under the root span named `rootName` (default: the request's root, see above), or
 * undefined when the summary has no such paths.
 */
export function spanTree(summary: SpanSummaryDocument, rootName?: string): TreeNode | undefined {
  const root = chooseRoot(summary.paths, rootName);
  if (!root) return undefined;
  const byParent = new Map<string, PathEntry[]>();
  for (const entry of summary.paths) {
    if (entry.names.length < 2 || entry.names[0] !== root.names[0] || entry.count === 0) continue;
    const parent = key(entry.names.slice(0, -1));
    byParent.set(parent, [...(byParent.get(parent) ?? []), entry]);
  }
  const build = (entry: PathEntry, depth: number): TreeNode => {
    const children = (byParent.get(key(entry.names)) ?? [])
      .sort((a, b) => a.start_offset_mean_ms - b.start_offset_mean_ms || a.path.localeCompare(b.path))
      .map((child) => build(child, depth + 1));
    return { entry, name: entry.names[entry.names.length - 1]!, depth, children, perRequest: entry.count / root.count };
  };
  return build(root, 0);
}

/** The nodes depth-first, parents before children. */
export function flatten(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  const visit = (node: TreeNode): void => {
    out.push(node);
    node.children.forEach(visit);
  };
  visit(root);
  return out;
}

/** Span names in tree order (first occurrence), with the names of each name's direct children. */
export function nameHierarchy(root: TreeNode): { names: string[]; children: Map<string, Set<string>> } {
  const names: string[] = [];
  const children = new Map<string, Set<string>>();
  for (const node of flatten(root)) {
    if (!children.has(node.name)) {
      names.push(node.name);
      children.set(node.name, new Set());
    }
    for (const child of node.children) children.get(node.name)!.add(child.name);
  }
  return { names, children };
}
