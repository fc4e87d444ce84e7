/**
 * The rollup engine: takes ended spans as SpanNodes (span-node.ts; `SpanNode.from` turns a plain
 * record of span-record.ts, from any source, into one), and aggregates each local tree once it is complete: paths, self times, start
 * offsets and exemplars into the window's DurationStats, and the request (unattributed time, tail
 * sums, kept trees) into the request recorder. Trees wait in PendingTraces until their local root
 * arrives; nothing here runs on a span's own path.
 *
 * With `completionWait` (spans from the network, in any order and any batch) a trace waits instead
 * until it has been quiet for the completion wait (`expire`), and is then aggregated whole: every
 * local root with its tree, in end order. A local root is a span without a parent, one whose parent
 * is remote or from another resource, or one whose parent never arrived.
 */
import { PendingTraces, type TraceGroup } from './pending-traces.ts';
import { NO_NAME, ROOT_PATH, SpanRegistry } from './registry.ts';
import { RequestRecorder } from './request-recorder.ts';
import { RollupWindow } from './rollup-window.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { NO_INHERIT, type SpanNode } from './span-node.ts';

/** The choices and bounds of a SpanAggregator (defaults in RollupSpanProcessor's options). */
export interface SpanAggregatorOptions {
  maxNames: number;
  maxPaths: number;
  sketch?: LogHistogramOptions;
  attribution: boolean;
  maxRoots: number;
  keepSlowest: number;
  keepTypical: number;
  maxTraces: number;
  maxSpansPerTrace: number;
  maxBufferedSpans: number;
  /** Completed traces kept findable for spans that end after their root. */
  completedTraces: number;
  /** Aggregate a trace once quiet (`expire`), not when its local root arrives. Default false. */
  completionWait?: boolean;
}

/** Sorts `nodes` by end, ties in arrival order: insertion sort, as most traces are small and
 *  arrive nearly in end order (a comparator sort cost more than the rest of a completion). */
function inEndOrder(nodes: SpanNode[]): void {
  for (let i = 1; i < nodes.length; i++) {
    const node = nodes[i]!;
    const end = node.startMs + node.durationMs;
    let j = i - 1;
    while (j >= 0) {
      const other = nodes[j]!;
      const otherEnd = other.startMs + other.durationMs;
      if (otherEnd < end || (otherEnd === end && other.seq < node.seq)) break;
      nodes[j + 1] = other;
      j--;
    }
    nodes[j + 1] = node;
  }
}

export class SpanAggregator {
  readonly registry: SpanRegistry;
  /** The window spans are aggregated into (the processor rotates it). */
  readonly window: RollupWindow;
  readonly requests: RequestRecorder;
  readonly #pending: PendingTraces;
  readonly #attribution: boolean;
  readonly #completionWait: boolean;
  #arrivals = 0;
  /** Spans that arrived after their trace had been aggregated (completion wait). */
  #late = 0;
  /** Reused by completions: the local roots and late spans of the trace completed. */
  readonly #roots: SpanNode[] = [];
  /** Reused by every walk: the spans of the tree walked, and the walk's stack. */
  readonly #members: SpanNode[] = [];
  readonly #stack: SpanNode[] = [];
  readonly #evict = (group: TraceGroup): void => {
    this.window.counters.traceOverflow++;
    if (this.#completionWait) this.#complete(group);
    else this.#flush(group);
  };

  constructor(options: SpanAggregatorOptions, startMs: number) {
    this.registry = new SpanRegistry(options.maxNames, options.maxPaths);
    this.window = new RollupWindow(startMs, options.sketch);
    this.#attribution = options.attribution;
    this.#completionWait = options.completionWait ?? false;
    this.#pending = new PendingTraces(options);
    this.requests = new RequestRecorder(
      {
        maxRoots: options.maxRoots,
        keepSlowest: options.keepSlowest,
        keepTypical: options.keepTypical,
        sketch: options.sketch,
      },
      this.registry,
      this.window.counters,
    );
  }

  /** Spans waiting for their local root (or, with the completion wait, for their trace to complete). */
  get waiting(): number {
    return this.#pending.buffered;
  }

  /** Spans that arrived after their trace was aggregated (completion wait; counted in
   *  overflow.trace_spans too when they are left out of their request). */
  get late(): number {
    return this.#late;
  }

  /**
   * Takes one ended span, arriving in end order. `skip` leaves it out of the statistics (warm-up)
   * while it still places its children.
   */
  add(node: SpanNode, skip: boolean, nowMs: number): void {
    const group = this.#pending.group(node.traceId, nowMs, this.#evict);
    node.seq = this.#arrivals++;
    node.skip = skip;
    if (this.#completionWait) {
      if (group.incomplete) this.#late++;
      this.#hold(group, node);
      return;
    }
    if (node.localRoot) {
      this.#pending.know(group, node);
      this.#link(group, node);
      const members = this.#members;
      members.length = 0;
      this.#walk(node, undefined, members);
      if (!skip && this.#attribution && !group.incomplete) this.requests.finish(node, members, group.dropped);
      members.length = 0;
      this.#pending.settle(group);
      return;
    }
    const parent = group.find(node.parentSpanId);
    if (parent?.done) {
      // It ended after its parent was aggregated: placed under it, but not part of the request.
      this.#pending.know(group, node);
      this.#link(group, node);
      const members = this.#members;
      members.length = 0;
      this.#walk(node, parent, members);
      this.window.counters.traceSpanOverflow += members.length + 1;
      members.length = 0;
      this.#pending.settle(group);
      return;
    }
    if (!this.#pending.wait(group, node)) {
      this.window.counters.traceSpanOverflow++;
      node.nameId = this.registry.nameId(node.name);
      node.done = true;
      node.selfMs = node.durationMs;
      this.#record(node);
    }
  }

  /** Aggregates the traces that have waited since before `beforeMs`: with the completion wait,
   *  whole; otherwise without their roots. */
  expire(beforeMs: number): void {
    for (const group of this.#pending.quietSince(beforeMs)) {
      if (this.#completionWait) this.#complete(group);
      else this.#flush(group);
    }
  }

  /** Aggregates every waiting span (at shutdown). */
  flushAll(): void {
    for (const group of this.#pending.waitingGroups()) {
      if (this.#completionWait) this.#complete(group);
      else this.#flush(group);
    }
  }

  /** Completion wait: `node` waits in `group`; a bound leaves it out, aggregated alone. */
  #hold(group: TraceGroup, node: SpanNode): void {
    if (this.#pending.wait(group, node)) return;
    this.window.counters.traceSpanOverflow++;
    node.nameId = this.registry.nameId(node.name);
    node.done = true;
    node.selfMs = node.durationMs;
    this.#record(node);
  }

  /**
   * Completion wait: aggregates `group` whole. Its spans are put in end order (so that `seq` says
   * which ended first, as arrival does in one process), each local root is aggregated with its tree
   * as a request, a span whose parent was aggregated before is placed under it (late, left out of
   * the request), and whatever is left (a cycle of parents) is aggregated alone.
   */
  #complete(group: TraceGroup): void {
    const waiting = group.waiting.filter((node) => !node.done);
    inEndOrder(waiting);
    const roots = this.#roots;
    roots.length = 0;
    for (const node of waiting) {
      node.seq = this.#arrivals++;
      node.firstChild = null;
    }
    for (let i = waiting.length - 1; i >= 0; i--) {
      const node = waiting[i]!;
      const parent = node.parentSpanId === '' ? undefined : group.find(node.parentSpanId);
      if (node.localRoot || parent === undefined || parent === node || parent.source !== node.source) {
        roots.push(node);
      } else if (parent.done) {
        roots.push(node);
      } else {
        node.nextSibling = parent.firstChild;
        parent.firstChild = node;
      }
    }
    const members = this.#members;
    for (let i = roots.length - 1; i >= 0; i--) {
      const node = roots[i]!;
      if (node.done) continue;
      members.length = 0;
      const parent = node.parentSpanId === '' ? undefined : group.find(node.parentSpanId);
      if (parent?.done && parent !== node && parent.source === node.source && !node.localRoot) {
        this.#walk(node, parent, members);
        this.window.counters.traceSpanOverflow += members.length + 1;
      } else {
        this.#walk(node, undefined, members);
        if (!node.skip && this.#attribution && !group.incomplete) this.requests.finish(node, members, group.dropped);
      }
    }
    for (const node of waiting) {
      if (node.done) continue;
      members.length = 0;
      this.#walk(node, undefined, members);
    }
    members.length = 0;
    roots.length = 0;
    this.#pending.settle(group);
    // Whatever arrives for this trace from now on is late: a root then has lost its tree.
    group.incomplete = true;
  }

  /** Forgets every waiting span (at reset). */
  forgetWaiting(): void {
    this.#pending.clear();
  }

  /** Aggregates `group`'s waiting spans as they are: a span whose parent is missing starts a path
   *  of its own. No request is recorded. */
  #flush(group: TraceGroup): void {
    this.#link(group, undefined);
    const scratch = this.#members;
    scratch.length = 0;
    for (const node of group.waiting) {
      if (node.done) continue;
      const parent = group.find(node.parentSpanId);
      // A parent that is waiting too places it; any other (or a cycle, below) does not.
      if (parent !== undefined && !parent.done && parent !== node) continue;
      this.#walk(node, undefined, scratch);
    }
    for (const node of group.waiting) if (!node.done) this.#walk(node, undefined, scratch);
    scratch.length = 0;
    this.#pending.retire(group);
  }

  /** Gives each waiting span of `group` (and `top`) its waiting children, in arrival order. */
  #link(group: TraceGroup, top: SpanNode | undefined): void {
    if (top !== undefined) top.firstChild = null;
    const waiting = group.waiting;
    for (const node of waiting) node.firstChild = null;
    // Backwards, each child put first: its siblings end up in arrival order.
    for (let i = waiting.length - 1; i >= 0; i--) {
      const node = waiting[i]!;
      if (node.done) continue;
      const parent = group.find(node.parentSpanId);
      if (parent === undefined || parent === node || (parent.done && parent !== top)) continue;
      node.nextSibling = parent.firstChild;
      parent.firstChild = node;
    }
  }

  /** Aggregates `top` (under `parent`, when it has an aggregated one) and its linked subtree;
   *  the subtree's spans that count go to `members`. */
  #walk(top: SpanNode, parent: SpanNode | undefined, members: SpanNode[]): void {
    this.#place(top, parent);
    const stack = this.#stack;
    stack.length = 0;
    stack.push(top);
    while (stack.length > 0) {
      const node = stack.pop()!;
      let childMs = 0;
      for (let child = node.firstChild; child !== null; child = child.nextSibling) {
        if (child.done) continue;
        // A child still running when its parent ended is not subtracted.
        if (child.seq < node.seq) childMs += child.durationMs;
        this.#place(child, node);
        stack.push(child);
      }
      node.selfMs = node.durationMs > childMs ? node.durationMs - childMs : 0;
      if (node !== top && !node.skip) members.push(node);
      this.#record(node);
    }
  }

  /** Works out `node`'s name, path and path root from its aggregated parent. */
  #place(node: SpanNode, parent: SpanNode | undefined): void {
    const registry = this.registry;
    let parentPath = ROOT_PATH;
    if (parent !== undefined && node.internal && parent.inherit !== NO_INHERIT) {
      parentPath = parent.inherit;
      node.rootStartMs = parent.rootStartMs;
    }
    node.nameId = registry.nameId(node.name);
    node.path = registry.pathId(parentPath, node.nameId);
    node.inherit = node.internal ? node.path : NO_INHERIT;
    node.done = true;
  }

  /** Adds an aggregated span to the window's statistics of its path (or of its name alone). */
  #record(node: SpanNode): void {
    if (node.skip) return;
    const window = this.window;
    const counters = window.counters;
    if (!node.sampled) counters.unsampled++;
    if (node.nameId === NO_NAME) {
      counters.nameOverflow++;
      return;
    }
    let stats = node.path >= 0 ? window.paths[node.path] : undefined;
    if (node.path < 0) {
      counters.pathOverflow++;
      stats = window.unpathedName(node.nameId);
    } else if (stats === undefined) {
      stats = window.path(node.path);
    }
    const offsetMs = node.startMs - node.rootStartMs;
    stats.record(node.durationMs, node.selfMs, node.error, Math.max(offsetMs, 0));
    if (node.durationMs > stats.exemplarFloorMs) stats.offerExemplar(node.durationMs, node.traceId, node.spanId);
  }
}
