/**
 * The spans between onStart and onEnd, in a fixed number of slots held in typed arrays (path,
 * start, children's time so far...).
 *
 * A span finds its slot, and a child its parent's, through a token stored on the span's
 * SpanContext object under a symbol: the SDK hands a child the very object its parent returns
 * from spanContext() as `parentSpanContext`, so no lookup by span id is needed (a Map or a hash
 * index keyed by span id cost more: hashing fresh id strings, and V8 growing and shrinking a Map
 * whose size swings with every request). The token is the only thing added to the context; no
 * reference to the span or its context is kept.
 *
 * The token is `instance << 24 | generation << bits | slot`, a small integer. Every table tags
 * under one module-wide symbol, so the property access stays monomorphic however many tables a
 * process creates over time; the instance bits tell tables apart (a parent context from another
 * provider is not ours), and a second table on the same spans (two rollup processors in one
 * provider) falls back to a symbol of its own. The generation makes a token left on a context
 * whose slot was since reused stop matching (until the slot's generation wraps, after
 * 2^(24 - bits) reuses).
 */

/** "No slot": the span is not tracked. */
export const NO_SLOT = -1;

/** Largest capacity: 16 slot bits leave 8 generation bits. */
export const MAX_IN_FLIGHT = 1 << 16;

/** A span context as the SDK makes it: a plain extensible object. */
type Tagged = Record<symbol, number | undefined>;

const TAG = Symbol('amanuensis rollup in-flight slot');
const INSTANCE_SHIFT = 24;
let instances = 0;

export class InFlightTable {
  readonly capacity: number;
  readonly parent: Int32Array;
  /** Token of the parent at the child's start, to check the parent still owns its slot. */
  readonly parentToken: Int32Array;
  readonly name: Int32Array;
  readonly path: Int32Array;
  /** The parent's path, to place the span again if it is renamed before it ends. */
  readonly parentPath: Int32Array;
  readonly kind: Uint8Array;
  readonly startMs: Float64Array;
  readonly rootStartMs: Float64Array;
  readonly childMs: Float64Array;
  /** Current token of each slot (-1 when free). */
  readonly #token: Int32Array;
  readonly #generation: Int32Array;
  readonly #bits: number;
  readonly #slotMask: number;
  readonly #generationMask: number;
  readonly #free: Int32Array;
  #freeTop: number;
  /** This table's id in the tokens' top bits. */
  readonly #instance = instances++ & 63;
  /** Used when another table already tagged the context under TAG. */
  readonly #ownTag = Symbol('amanuensis rollup in-flight slot (second table)');

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0 && capacity <= MAX_IN_FLIGHT)) {
      throw new RangeError(`in-flight capacity must be an integer from 1 to ${MAX_IN_FLIGHT}, got ${capacity}`);
    }
    this.capacity = capacity;
    let bits = 1;
    while (1 << bits < capacity) bits++;
    this.#bits = bits;
    this.#slotMask = (1 << bits) - 1;
    this.#generationMask = (1 << (INSTANCE_SHIFT - bits)) - 1;
    this.parent = new Int32Array(capacity);
    this.parentToken = new Int32Array(capacity);
    this.name = new Int32Array(capacity);
    this.path = new Int32Array(capacity);
    this.parentPath = new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.startMs = new Float64Array(capacity);
    this.rootStartMs = new Float64Array(capacity);
    this.childMs = new Float64Array(capacity);
    this.#token = new Int32Array(capacity).fill(-1);
    this.#generation = new Int32Array(capacity);
    this.#free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.#free[i] = capacity - 1 - i;
    this.#freeTop = capacity;
  }

  /** True when the next acquire has to evict. */
  get full(): boolean {
    return this.#freeTop === 0;
  }

  /** The slot of the span whose context this is, or NO_SLOT. */
  find(context: object): number {
    let token = (context as Tagged)[TAG];
    if (token === undefined) return NO_SLOT;
    if (token >>> INSTANCE_SHIFT !== this.#instance) {
      token = (context as Tagged)[this.#ownTag];
      if (token === undefined) return NO_SLOT;
    }
    const slot = token & this.#slotMask;
    return this.#token[slot] === token ? slot : NO_SLOT;
  }

  /** The token of a slot, to remember a parent by. */
  token(slot: number): number {
    return this.#token[slot]!;
  }

  /** True when `slot` still belongs to the span that had `token`. */
  owns(slot: number, token: number): boolean {
    return this.#token[slot] === token;
  }

  /**
   * Takes a slot for the span with `context` and tags the context; the caller fills the fields.
   * When every slot is in use, the span that started longest ago (one that never ended, most
   * likely) loses its slot. Returns NO_SLOT when the context cannot be tagged (frozen).
   */
  acquire(context: object): number {
    let slot: number;
    if (this.#freeTop > 0) {
      slot = this.#free[this.#freeTop - 1]!;
    } else {
      slot = this.#oldest();
    }
    const generation = (this.#generation[slot]! + 1) & this.#generationMask;
    const token = (this.#instance << INSTANCE_SHIFT) | (generation << this.#bits) | slot;
    try {
      const existing = (context as Tagged)[TAG];
      if (existing === undefined || existing >>> INSTANCE_SHIFT === this.#instance) (context as Tagged)[TAG] = token;
      else (context as Tagged)[this.#ownTag] = token;
    } catch {
      // A frozen context (Object.isExtensible per span cost more than all the rest of acquire).
      return NO_SLOT;
    }
    if (this.#freeTop > 0) this.#freeTop--;
    this.#generation[slot] = generation;
    this.#token[slot] = token;
    return slot;
  }

  /** Frees the slot of the span with `context`; returns the slot (its fields intact until the
   *  next acquire), or NO_SLOT when the span was not tracked. */
  release(context: object): number {
    const slot = this.find(context);
    if (slot === NO_SLOT) return NO_SLOT;
    this.#token[slot] = -1;
    this.#free[this.#freeTop++] = slot;
    return slot;
  }

  #oldest(): number {
    let oldest = 0;
    for (let i = 1; i < this.capacity; i++) if (this.startMs[i]! < this.startMs[oldest]!) oldest = i;
    return oldest;
  }
}
