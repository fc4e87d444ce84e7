/**
 * The service's metered resources for the rollups. The rollup processor takes its sources when
 * it is made, before telemetry starts; the worker pool, the engine and admission are made after
 * (instrumentation must be in place before the HTTP modules load). So each resource is named up
 * front by a stand-in that reads as idle until the real meter is attached.
 */
import type { ResourceReading, ResourceSource } from '../telemetry/resource-meter.ts';

/** Stands for a meter made later; idle (nothing busy, nothing queued) until `attach`. */
class PendingResource implements ResourceSource {
  readonly name: string;
  #meter: ResourceSource | undefined;

  constructor(name: string) {
    this.name = name;
  }

  get capacity(): number {
    return this.#meter?.capacity ?? 0;
  }

  attach(meter: ResourceSource): void {
    this.#meter = meter;
  }

  read(): ResourceReading {
    return this.#meter?.read() ?? { atMs: performance.now(), busyMs: 0, queueMs: 0, queueMax: 0, inUse: 0, queued: 0 };
  }

  takeQueueMax(): number {
    return this.#meter?.takeQueueMax() ?? 0;
  }
}

/** The resources `serve` reports, in the order the summary lists them: npu_columns only where a reference engine runs on npu-sim. */
export function serviceResourceNames(options: { device: string; engine: string }): string[] {
  return [
    'admission',
    'uploads',
    'worker_pool',
    ...(options.device === 'npu-sim' && options.engine === 'reference' ? ['npu_columns'] : []),
  ];
}

/** Stand-ins for `names`; `attach` hands each its meter by name (a name without one stays idle). */
export function pendingResources(names: readonly string[]): {
  sources: ResourceSource[];
  attach(meters: readonly ResourceSource[]): void;
} {
  const pending = names.map((name) => new PendingResource(name));
  return {
    sources: pending,
    attach(meters) {
      for (const meter of meters) pending.find((resource) => resource.name === meter.name)?.attach(meter);
    },
  };
}
