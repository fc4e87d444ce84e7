/**
 * When a scenario's requests completed, in a bounded and mergeable form: completions and audio
 * seconds per fixed-width time bin from the start of measuring. Throughput is audio over wall
 * time, so its sampling uncertainty lives in how evenly the audio arrived; per-bin sums are what a
 * bootstrap of the throughput resamples. The bins start 10 ms wide and double (neighbours merge)
 * whenever the run outgrows 256 of them, so a series never holds more than 256 bins however long
 * the scenario ran.
 */

/** Bins a series keeps at most. */
export const MAX_BINS = 256;

/** Width of the first bins, ms. */
export const FIRST_BIN_MS = 10;

/** The plain-JSON form in the load results (`completions` of a scenario). */
export interface CompletionSeriesState {
  /** Width of each bin, ms; bin i covers [i * bin_ms, (i + 1) * bin_ms) after measuring began. */
  bin_ms: number;
  /** Requests (succeeded or failed) that completed in each bin. */
  requests: number[];
  /** Audio seconds of the successful requests that completed in each bin. */
  audio_s: number[];
}

/** Accumulates completions; `record` is O(1) amortised. */
export class CompletionSeries {
  #binMs = FIRST_BIN_MS;
  #requests: number[] = [];
  #audio: number[] = [];

  /** Records a request completing `atMs` after measuring began, with `audioS` seconds of audio (0 when it failed). */
  record(atMs: number, audioS: number): void {
    const at = Math.max(0, atMs);
    while (at >= MAX_BINS * this.#binMs) this.#coarsen();
    const bin = Math.floor(at / this.#binMs);
    while (this.#requests.length <= bin) {
      this.#requests.push(0);
      this.#audio.push(0);
    }
    this.#requests[bin]!++;
    this.#audio[bin]! += audioS;
  }

  #coarsen(): void {
    const pairs = (list: number[]): number[] =>
      Array.from({ length: Math.ceil(list.length / 2) }, (_, i) => list[2 * i]! + (list[2 * i + 1] ?? 0));
    this.#binMs *= 2;
    this.#requests = pairs(this.#requests);
    this.#audio = pairs(this.#audio);
  }

  toJSON(): CompletionSeriesState {
    return { bin_ms: this.#binMs, requests: [...this.#requests], audio_s: this.#audio.map((a) => round6(a)) };
  }
}

function round6(value: number): number {
  return Number(value.toFixed(6));
}

/** `state` rebinned to `binMs`, a multiple of its own bin width (bins add). */
export function coarsenSeries(state: CompletionSeriesState, binMs: number): CompletionSeriesState {
  const factor = Math.round(binMs / state.bin_ms);
  if (factor <= 1) return state;
  const group = (list: number[]): number[] =>
    Array.from({ length: Math.ceil(list.length / factor) }, (_, i) =>
      list.slice(i * factor, (i + 1) * factor).reduce((sum, v) => sum + v, 0),
    );
  return { bin_ms: state.bin_ms * factor, requests: group(state.requests), audio_s: group(state.audio_s) };
}

/** Two series of runs of the same scenario together, bin by bin, at the coarser of their widths. */
export function mergeSeries(a: CompletionSeriesState, b: CompletionSeriesState): CompletionSeriesState {
  const binMs = Math.max(a.bin_ms, b.bin_ms);
  const x = coarsenSeries(a, binMs);
  const y = coarsenSeries(b, binMs);
  const length = Math.max(x.requests.length, y.requests.length);
  const add = (p: number[], q: number[]): number[] =>
    Array.from({ length }, (_, i) => round6((p[i] ?? 0) + (q[i] ?? 0)));
  return { bin_ms: binMs, requests: add(x.requests, y.requests), audio_s: add(x.audio_s, y.audio_s) };
}

/** Checks the shape of a state read from a file. */
export function isCompletionSeries(value: unknown): value is CompletionSeriesState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<CompletionSeriesState>;
  return (
    typeof s.bin_ms === 'number' &&
    s.bin_ms > 0 &&
    Array.isArray(s.requests) &&
    Array.isArray(s.audio_s) &&
    s.requests.length === s.audio_s.length &&
    s.requests.every((n) => typeof n === 'number' && n >= 0) &&
    s.audio_s.every((n) => typeof n === 'number' && n >= 0)
  );
}
