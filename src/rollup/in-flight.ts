/**
 * The spans between onStart and onEnd, in a fixed number of slots. A slot is one 64-byte record
 * in a single ArrayBuffer, read through an Int32Array and a Float64Array view at
 * `slot << INTS_SHIFT` + I_... and `slot << FLOATS_SHIFT` + F_..., so a span touches its own record
 * and its parent's. The processor works on the slots inline (processor.ts): behind method calls,
 * what V8 is willing to inline into onStart and onEnd runs out before the statistics are reached.
 *
 * A span finds its slot, and a child its parent's, through a token stored on the span's
 * SpanContext object under a symbol: the SDK hands a child the very object its parent returns
 * from spanContext() as `parentSpanContext`, so no lookup by span id is needed (a Map or a hash
 * index keyed by span id cost more: hashing fresh id strings, and V8 growing and shrinking a Map
 * whose size swings with every request). The token is the only thing added to the context; no
 * reference to the span or its context is kept.
 *
 * The token is `instance << 24 | generation << bits | slot`, a small integer. Every processor tags
 * under one module-wide symbol, so the property access stays monomorphic however many processors
 * a process creates over time; the instance bits tell them apart (a parent context from another
 * provider is not ours), and a second processor on the same spans falls back to a symbol of its
 * own. The generation makes a token left on a context whose slot was since reused stop matching
 * (until the slot's generation wraps, after 2^(24 - bits) reuses).
 */

/** "No slot": the span is not tracked. */
export const NO_SLOT = -1;

/** Largest capacity: 16 slot bits leave 8 generation bits. */
export const MAX_IN_FLIGHT = 1 << 16;

/** Slot number to Int32 index (16 per slot) and to Float64 index (8 per slot). */
export const INTS_SHIFT = 4;
export const FLOATS_SHIFT = 3;

// Int32 fields, bytes 0..39 of the record.
/** Current token of the slot (-1 when free). */
export const I_TOKEN = 0;
/** The parent's slot, or NO_SLOT. */
export const I_PARENT = 1;
/** The parent's token at the child's start, to check the parent still owns its slot. */
export const I_PARENT_TOKEN = 2;
export const I_PATH = 3;
/** The parent's path, to place the span again if it is renamed before it ends. */
export const I_PARENT_PATH = 4;
export const I_NAME = 5;
/** The path this span's INTERNAL children extend (its own, if it is INTERNAL). */
export const I_INHERIT = 6;
/** The path of the child that started last under this span (-1: none yet), to predict the next. */
export const I_LAST_CHILD = 7;
/** Bumped on every reuse of the slot. */
export const I_GENERATION = 8;
/** Token of the span's request in the trace buffer (trace-buffer.ts), or -1 when it has none. */
export const I_TRACE = 9;
// Float64 fields, bytes 40..63.
export const F_START = 5;
export const F_ROOT_START = 6;
/** Time of the direct children that ended so far. */
export const F_CHILD = 7;

/** The symbol every processor tags span contexts under (see the top of this file). */
export const TAG = Symbol('amanuensis rollup in-flight slot');
/** Where the instance bits start in a token. */
export const INSTANCE_SHIFT = 24;

/** A span context as the SDK makes it: a plain extensible object. */
export type Tagged = Record<symbol, number | undefined>;

let instances = 0;

/** The slots' memory, free list and token parameters for `capacity` spans in flight. */
export class InFlightSlots {
  readonly capacity: number;
  readonly ints: Int32Array;
  readonly floats: Float64Array;
  /** Free slots, a stack (the most recently freed first, its record likely still cached). */
  readonly free: Int32Array;
  readonly bits: number;
  readonly slotMask: number;
  readonly generationMask: number;
  /** This table's id in the tokens' top bits. */
  readonly instance = instances++ & 63;
  /** Used when another processor already tagged the context under TAG. */
  readonly ownTag = Symbol('amanuensis rollup in-flight slot (second processor)');

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0 && capacity <= MAX_IN_FLIGHT)) {
      throw new RangeError(`in-flight capacity must be an integer from 1 to ${MAX_IN_FLIGHT}, got ${capacity}`);
    }
    this.capacity = capacity;
    let bits = 1;
    while (1 << bits < capacity) bits++;
    this.bits = bits;
    this.slotMask = (1 << bits) - 1;
    this.generationMask = (1 << (INSTANCE_SHIFT - bits)) - 1;
    const buffer = new ArrayBuffer(capacity << (INTS_SHIFT + 2));
    this.ints = new Int32Array(buffer);
    this.floats = new Float64Array(buffer);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) {
      this.ints[i << INTS_SHIFT] = -1;
      this.free[i] = capacity - 1 - i;
    }
  }

  /** The slot whose span started longest ago (when every slot is taken, one that never ended, most likely). */
  oldest(): number {
    const floats = this.floats;
    let oldest = 0;
    for (let i = 1; i < this.capacity; i++) {
      if (floats[(i << FLOATS_SHIFT) + F_START]! < floats[(oldest << FLOATS_SHIFT) + F_START]!) oldest = i;
    }
    return oldest;
  }
}
