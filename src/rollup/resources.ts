/**
 * ResourceEntry per metered resource over the summary's windows: readings of each source's
 * cumulative integrals are taken when a window starts (processor start or reset for the
 * cumulative window, each rotation for intervals), and an entry is the difference between a
 * reading now and that one. A source that throws is left out of that document rather than
 * breaking it.
 */

import type { ResourceReading, ResourceSource } from '../telemetry/resource-meter.ts';
import type { ResourceEntry } from './document.ts';
import { resourceEntry } from './resource-entries.ts';

interface Tracked {
  source: ResourceSource;
  cumulativeStart: ResourceReading | undefined;
  intervalStart: ResourceReading | undefined;
  cumulativeMax: number;
  intervalMax: number;
}

export class ResourceWindows {
  readonly #tracked: Tracked[];

  constructor(sources: readonly ResourceSource[]) {
    this.#tracked = sources.map((source) => {
      const start = read(source);
      try {
        source.takeQueueMax();
      } catch {
        // Read again at the next document; nothing to do now.
      }
      return {
        source,
        cumulativeStart: start,
        intervalStart: start,
        cumulativeMax: start?.queued ?? 0,
        intervalMax: start?.queued ?? 0,
      };
    });
  }

  /** Entries since the processor started or was reset. */
  cumulative(): ResourceEntry[] {
    return this.#entries(
      (t) => t.cumulativeStart,
      (t) => t.cumulativeMax,
    );
  }

  /** Entries since the current interval started. */
  interval(): ResourceEntry[] {
    return this.#entries(
      (t) => t.intervalStart,
      (t) => t.intervalMax,
    );
  }

  /** The current interval's entries; the next interval starts now. */
  rotate(): ResourceEntry[] {
    const entries = this.interval();
    for (const t of this.#tracked) {
      t.intervalStart = read(t.source);
      t.intervalMax = t.intervalStart?.queued ?? 0;
    }
    return entries;
  }

  /** Both windows start now. */
  reset(): void {
    for (const t of this.#tracked) {
      t.cumulativeStart = t.intervalStart = read(t.source);
      this.#foldQueueMax(t);
      t.cumulativeMax = t.intervalMax = t.intervalStart?.queued ?? 0;
    }
  }

  #entries(start: (t: Tracked) => ResourceReading | undefined, max: (t: Tracked) => number): ResourceEntry[] {
    const entries: ResourceEntry[] = [];
    for (const t of this.#tracked) {
      this.#foldQueueMax(t);
      const now = read(t.source);
      // A source that could not be read at the window's start is read from now on.
      if (t.cumulativeStart === undefined) t.cumulativeStart = now;
      if (t.intervalStart === undefined) t.intervalStart = now;
      const from = start(t);
      if (now !== undefined && from !== undefined) entries.push(resourceEntry(t.source, from, now, max(t)));
    }
    return entries;
  }

  /** takeQueueMax resets the source's maximum, so each take is folded into both windows' maxima. */
  #foldQueueMax(t: Tracked): void {
    try {
      const max = t.source.takeQueueMax();
      if (max > t.cumulativeMax) t.cumulativeMax = max;
      if (max > t.intervalMax) t.intervalMax = max;
    } catch {
      // A failing source keeps its previous maxima.
    }
  }
}

function read(source: ResourceSource): ResourceReading | undefined {
  try {
    return source.read();
  } catch {
    return undefined;
  }
}
