/**
 * The order in which the worker pool starts queued tasks: shortest remaining first. Every task may
 * carry how many pool tasks its request still has to run (this one included); a free thread takes
 * the queued task with the fewest, ties in submission order. A long upload is cut into one task per
 * 30 s window, so a short request waits for at most one window's task per thread and then goes
 * ahead of the long requests' next windows; FIFO would put it behind whichever long window was
 * submitted first.
 *
 * No task waits forever behind a stream of shorter ones: once MAX_BYPASSES tasks submitted after
 * it have started ahead of it, it goes next.
 */
import { Piscina, type PiscinaTask, type TaskQueue } from 'piscina';

/** How a task is ordered in the queue; piscina hands it over as the task's queue options. */
export interface TaskOrder {
  /** Pool tasks the caller still has to run, this one included (an estimate is fine): fewer goes first. */
  remaining: number;
}

/** 30 s of 16 kHz 16-bit mono WAV, the usual upload, in bytes. */
const WINDOW_BYTES = 30 * 16000 * 2;

/**
 * Decoder steps of a 30 s window of speech, about (reference/decoder-steps.ts): its cross-attention
 * in 6 x 30 row chunks, the prefix, some 43 tokens. Long audio's decoder runs in slices of steps,
 * so a request's work left is counted in them.
 */
export const WINDOW_DECODER_STEPS = 240;

/**
 * A request's pool work from its mel on, for `windows` 30 s windows: one window is three tasks
 * (mel, encoder, decoder); longer audio a mel task, an encoder pass and the decoder steps per window.
 */
export function windowTasks(windows: number): number {
  return windows <= 1 ? 3 : windows * (2 + WINDOW_DECODER_STEPS);
}

/**
 * An upload's pool work before it is decoded, estimated from its size: the decode, then its
 * windows' (windowTasks). Only an order hint: without one, a short request's decode would queue
 * behind every long request's windows.
 */
export function uploadTasks(bytes: number): number {
  return 1 + windowTasks(Math.max(1, Math.ceil(bytes / WINDOW_BYTES)));
}

/** Tasks started ahead of a queued one (submitted after it) before it goes next. */
export const MAX_BYPASSES = 16;

interface Entry {
  task: PiscinaTask;
  remaining: number;
  sequence: number;
  bypassed: number;
}

/** Tasks without an order go after every ordered one that is not starved. */
function remainingOf(task: PiscinaTask): number {
  const options = (task as unknown as Record<symbol, Partial<TaskOrder> | null>)[Piscina.queueOptionsSymbol];
  const remaining = options?.remaining;
  return typeof remaining === 'number' && Number.isFinite(remaining) ? remaining : Number.POSITIVE_INFINITY;
}

/** Attaches `order` to a task message as piscina's queue options (a symbol key: not sent to the worker). */
export function withOrder<T extends object>(message: T, order: TaskOrder | undefined): T {
  return order ? Object.assign(message, { [Piscina.queueOptionsSymbol]: order }) : message;
}

/** piscina's TaskQueue, shortest remaining first with a bypass bound (see the module comment). */
export class ShortestRemainingQueue implements TaskQueue {
  private readonly entries: Entry[] = [];
  private sequence = 0;

  get size(): number {
    return this.entries.length;
  }

  push(task: PiscinaTask): void {
    this.entries.push({ task, remaining: remainingOf(task), sequence: this.sequence++, bypassed: 0 });
  }

  /** A task piscina took but could not place goes back to the front, as it was. */
  unshift(task: PiscinaTask): void {
    this.entries.unshift({ task, remaining: Number.NEGATIVE_INFINITY, sequence: -1, bypassed: MAX_BYPASSES });
  }

  shift(): PiscinaTask | null {
    if (this.entries.length === 0) return null;
    let pick = 0;
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      // Entries stay in submission order, so the first starved one is the oldest.
      if (entry.bypassed >= MAX_BYPASSES) {
        pick = i;
        break;
      }
      if (entry.remaining < this.entries[pick]!.remaining) pick = i;
    }
    const [chosen] = this.entries.splice(pick, 1);
    for (let i = 0; i < pick; i++) this.entries[i]!.bypassed++;
    return chosen!.task;
  }

  remove(task: PiscinaTask): void {
    const index = this.entries.findIndex((entry) => entry.task === task);
    if (index >= 0) this.entries.splice(index, 1);
  }
}
