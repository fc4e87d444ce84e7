/**
 * Seeded pseudo-random numbers for the synthetic weights and for sampling: xorshift32 (Marsaglia
 * 2003), seeded through a string hash so every tensor has its own stream.
 */

/** FNV-1a 32-bit hash of a string. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A generator of uniform numbers in [0, 1). */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    // Zero is xorshift's fixed point.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** The generator's state: `new Xorshift32(state)` continues the same stream (the state is never zero). */
  get state32(): number {
    return this.state;
  }

  next(): number {
    let s = this.state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.state = s >>> 0;
    return this.state / 4294967296;
  }

  /** Fills `target` with uniform values in [-bound, bound). */
  fillUniform(target: Float32Array, bound: number): void {
    let s = this.state;
    const scale = (2 * bound) / 4294967296;
    for (let i = 0; i < target.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      target[i] = (s >>> 0) * scale - bound;
    }
    this.state = s >>> 0 || 0x9e3779b9;
  }
}
