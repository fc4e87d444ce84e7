/**
 * Uploads in reception have their own budget, apart from the processing slots: a request takes a
 * processing slot only once its whole file has arrived, so clients that trickle their bodies can
 * hold at most this budget, never the transcriptions.
 *
 * The minimum rate is Apache mod_reqtimeout's rule: an upload may take `graceMs` for nothing, and
 * every `minBytesPerS` bytes received buy it one more second. An upload behind that is answered
 * 408 and disconnected. When the budget is full, a newcomer takes the place of the upload furthest
 * behind the minimum rate counted from its start (no grace), so a budget full of tricklers still
 * admits a client that sends at any real speed. Only when no upload is behind at all is the
 * newcomer refused, 503 + Retry-After.
 */
import { performance } from 'node:perf_hooks';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import { ResourceMeter } from '../telemetry/resource-meter.ts';

export interface UploadBudgetOptions {
  /** Most uploads in reception at once. */
  maxUploads: number;
  /** Least body rate an upload must keep once its grace period is over, bytes per second. */
  minBytesPerS: number;
  /** Time an upload has before the minimum rate applies, ms. */
  graceMs: number;
  /** Retry-After hint for a refused newcomer, seconds. */
  retryAfterS: number;
  /** Monotonic clock in ms; tests pass their own to age uploads without waiting. */
  now?: () => number;
}

/** One upload's place in the budget. */
export interface UploadTicket {
  /** Aborted, with the 408 to answer, when the upload falls behind the minimum rate or is displaced. */
  readonly signal: AbortSignal;
  /** Counts body bytes as they arrive. */
  received(bytes: number): void;
  /** Gives the place back (idempotent). */
  leave(): void;
}

/** How often uploads are checked against the minimum rate; a slow one is dropped at most this late. */
export const CHECK_INTERVAL_MS = 250;

/**
 * An upload younger than this is never displaced: a client's first body bytes follow its headers
 * within about a round trip, and it is not judged on bytes still in flight.
 */
const DISPLACE_AFTER_MS = 100;

/**
 * Longest a newcomer waits, when every place is held by uploads too young to judge, for one of them
 * to become judgeable. Without it, tricklers that reconnect together renew every place at once
 * and turn real clients away for the next DISPLACE_AFTER_MS.
 */
export const ADMIT_WAIT_MS = 3 * DISPLACE_AFTER_MS;

interface Upload {
  startMs: number;
  bytes: number;
  controller: AbortController;
}

function tooSlow(upload: Upload, nowMs: number, minBytesPerS: number, displaced: boolean): CodedError {
  const rate = Math.round(upload.bytes / Math.max(0.001, (nowMs - upload.startMs) / 1000));
  const why = displaced ? '; its place went to another upload' : '';
  return new CodedError(`the upload arrived at ${rate} bytes/s, below the minimum of ${minBytesPerS} bytes/s${why}`, {
    code: ERROR_CODE.UPLOAD_TOO_SLOW,
  });
}

/** True for the error an upload dropped for its pace is answered with. */
export function isTooSlow(error: unknown): boolean {
  return error instanceof CodedError && error.code === ERROR_CODE.UPLOAD_TOO_SLOW;
}

/** The reception budget; see the module comment. */
export class UploadBudget {
  private readonly options: UploadBudgetOptions;
  private readonly active = new Set<Upload>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Uploads in reception over time (capacity maxUploads). */
  readonly meter: ResourceMeter;

  constructor(options: UploadBudgetOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.meter = new ResourceMeter('uploads', options.maxUploads);
  }

  /** Uploads in reception now. */
  get receiving(): number {
    return this.active.size;
  }

  /**
   * Takes a place like `enter`, but when the budget is full of uploads too young to judge, waits
   * (at most ADMIT_WAIT_MS) until the oldest of them can be judged, and tries again.
   */
  async admit(): Promise<UploadTicket> {
    const giveUpMs = this.now() + ADMIT_WAIT_MS;
    for (;;) {
      try {
        return this.enter();
      } catch (error) {
        const judgeableInMs = this.youngestJudgeableInMs();
        if (judgeableInMs === undefined || this.now() + judgeableInMs > giveUpMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, judgeableInMs));
      }
    }
  }

  /**
   * Takes a place for an upload, displacing the one furthest behind the minimum rate when the
   * budget is full. Throws 503 when it is full of uploads that keep the rate.
   */
  enter(): UploadTicket {
    const nowMs = this.now();
    if (this.active.size >= this.options.maxUploads) {
      const behind = this.furthestBehind(nowMs);
      if (!behind) {
        throw new CodedError('the service is receiving too many uploads; retry later', {
          code: ERROR_CODE.OVERLOADED,
          retryAfterS: this.options.retryAfterS,
        });
      }
      this.drop(behind, tooSlow(behind, nowMs, this.options.minBytesPerS, true));
    }
    const upload: Upload = { startMs: nowMs, bytes: 0, controller: new AbortController() };
    this.active.add(upload);
    this.meter.acquire();
    this.timer ??= setInterval(() => this.check(), CHECK_INTERVAL_MS).unref();
    return {
      signal: upload.controller.signal,
      received: (bytes) => {
        upload.bytes += bytes;
      },
      leave: () => this.drop(upload),
    };
  }

  /** Time until the oldest upload still too young to judge can be judged; undefined when none is young. */
  private youngestJudgeableInMs(): number | undefined {
    const nowMs = this.now();
    let soonest: number | undefined;
    for (const upload of this.active) {
      const inMs = upload.startMs + DISPLACE_AFTER_MS - nowMs;
      if (inMs > 0 && (soonest === undefined || inMs < soonest)) soonest = inMs;
    }
    return soonest === undefined ? undefined : soonest + 1;
  }

  /** The upload with the largest shortfall against the minimum rate from its start, if any is short. */
  private furthestBehind(nowMs: number): Upload | undefined {
    let worst: Upload | undefined;
    let worstShortfall = 0;
    for (const upload of this.active) {
      const ageMs = nowMs - upload.startMs;
      if (ageMs < DISPLACE_AFTER_MS) continue;
      const shortfall = (this.options.minBytesPerS * ageMs) / 1000 - upload.bytes;
      if (shortfall > worstShortfall) {
        worst = upload;
        worstShortfall = shortfall;
      }
    }
    return worst;
  }

  /** Drops every upload past its grace period that received less than the minimum rate allows. */
  private check(): void {
    const nowMs = this.now();
    const { minBytesPerS, graceMs } = this.options;
    for (const upload of this.active) {
      const owed = (minBytesPerS * (nowMs - upload.startMs - graceMs)) / 1000;
      if (upload.bytes < owed) this.drop(upload, tooSlow(upload, nowMs, minBytesPerS, false));
    }
  }

  /** Removes an upload (once), aborting it with `reason` when given. */
  private drop(upload: Upload, reason?: CodedError): void {
    if (!this.active.delete(upload)) return;
    this.meter.release();
    if (this.active.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (reason) upload.controller.abort(reason);
  }
}
