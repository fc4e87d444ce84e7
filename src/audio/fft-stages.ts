/**
 * The Stockham butterflies of ComplexFft (fft.ts), one function per radix so each inner loop stays
 * monomorphic and fully unrolled over the radix.
 */

/** A Stockham stage: radix, sub-transform length before the stage, stride after it, twiddles. */
export interface Stage {
  radix: number;
  /** Length of the sub-transforms this stage combines (product of earlier radices). */
  span: number;
  /** Number of interleaved sub-sequences after the stage (size / (span * radix)). */
  stride: number;
  /** Twiddle W_{span*radix}^{r*k} at [(k * (radix - 1) + r - 1)] for k < span, 1 <= r < radix. */
  twRe: Float64Array;
  twIm: Float64Array;
}

/*
 * Stage algebra shared by the butterflies: sub-sequence j (< stride) of the input has, after the
 * stage, a DFT of length L = span*radix stored at out[(k + span*q)*stride + j]; it combines the
 * `radix` length-`span` DFTs of sub-sequences j + stride*r, stored at in[k*radix*stride + j + stride*r]:
 * out[k + span*q] = sum_r W_L^{r k} W_radix^{r q} in_r[k].
 */

export function radix2(
  stage: Stage,
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const { span, stride, twRe, twIm } = stage;
  const outStep = span * stride;
  for (let k = 0; k < span; k++) {
    const w1r = twRe[k]!;
    const w1i = twIm[k]!;
    const inBase = 2 * k * stride;
    const outBase = k * stride;
    for (let j = 0; j < stride; j++) {
      const i0 = inBase + j;
      const i1 = i0 + stride;
      const a0r = inRe[i0]!;
      const a0i = inIm[i0]!;
      const x1r = inRe[i1]!;
      const x1i = inIm[i1]!;
      const a1r = x1r * w1r - x1i * w1i;
      const a1i = x1r * w1i + x1i * w1r;
      const o0 = outBase + j;
      outRe[o0] = a0r + a1r;
      outIm[o0] = a0i + a1i;
      outRe[o0 + outStep] = a0r - a1r;
      outIm[o0 + outStep] = a0i - a1i;
    }
  }
}

export function radix3(
  stage: Stage,
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const { span, stride, twRe, twIm } = stage;
  const outStep = span * stride;
  const s60 = Math.sqrt(3) / 2;
  for (let k = 0; k < span; k++) {
    const w1r = twRe[2 * k]!;
    const w1i = twIm[2 * k]!;
    const w2r = twRe[2 * k + 1]!;
    const w2i = twIm[2 * k + 1]!;
    const inBase = 3 * k * stride;
    const outBase = k * stride;
    for (let j = 0; j < stride; j++) {
      const i0 = inBase + j;
      const i1 = i0 + stride;
      const i2 = i1 + stride;
      const a0r = inRe[i0]!;
      const a0i = inIm[i0]!;
      const x1r = inRe[i1]!;
      const x1i = inIm[i1]!;
      const x2r = inRe[i2]!;
      const x2i = inIm[i2]!;
      const a1r = x1r * w1r - x1i * w1i;
      const a1i = x1r * w1i + x1i * w1r;
      const a2r = x2r * w2r - x2i * w2i;
      const a2i = x2r * w2i + x2i * w2r;
      const sr = a1r + a2r;
      const si = a1i + a2i;
      // -i * sin(2pi/3) * (a1 - a2)
      const dr = s60 * (a1i - a2i);
      const di = -s60 * (a1r - a2r);
      const mr = a0r - 0.5 * sr;
      const mi = a0i - 0.5 * si;
      const o0 = outBase + j;
      outRe[o0] = a0r + sr;
      outIm[o0] = a0i + si;
      outRe[o0 + outStep] = mr + dr;
      outIm[o0 + outStep] = mi + di;
      outRe[o0 + 2 * outStep] = mr - dr;
      outIm[o0 + 2 * outStep] = mi - di;
    }
  }
}

export function radix4(
  stage: Stage,
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const { span, stride, twRe, twIm } = stage;
  const outStep = span * stride;
  for (let k = 0; k < span; k++) {
    const w1r = twRe[3 * k]!;
    const w1i = twIm[3 * k]!;
    const w2r = twRe[3 * k + 1]!;
    const w2i = twIm[3 * k + 1]!;
    const w3r = twRe[3 * k + 2]!;
    const w3i = twIm[3 * k + 2]!;
    const inBase = 4 * k * stride;
    const outBase = k * stride;
    for (let j = 0; j < stride; j++) {
      const i0 = inBase + j;
      const i1 = i0 + stride;
      const i2 = i1 + stride;
      const i3 = i2 + stride;
      const a0r = inRe[i0]!;
      const a0i = inIm[i0]!;
      const x1r = inRe[i1]!;
      const x1i = inIm[i1]!;
      const x2r = inRe[i2]!;
      const x2i = inIm[i2]!;
      const x3r = inRe[i3]!;
      const x3i = inIm[i3]!;
      const a1r = x1r * w1r - x1i * w1i;
      const a1i = x1r * w1i + x1i * w1r;
      const a2r = x2r * w2r - x2i * w2i;
      const a2i = x2r * w2i + x2i * w2r;
      const a3r = x3r * w3r - x3i * w3i;
      const a3i = x3r * w3i + x3i * w3r;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      const o0 = outBase + j;
      outRe[o0] = t0r + t2r;
      outIm[o0] = t0i + t2i;
      // W4 = -i: y1 = t1 - i t3, y3 = t1 + i t3
      outRe[o0 + outStep] = t1r + t3i;
      outIm[o0 + outStep] = t1i - t3r;
      outRe[o0 + 2 * outStep] = t0r - t2r;
      outIm[o0 + 2 * outStep] = t0i - t2i;
      outRe[o0 + 3 * outStep] = t1r - t3i;
      outIm[o0 + 3 * outStep] = t1i + t3r;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

export function radix5(
  stage: Stage,
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const { span, stride, twRe, twIm } = stage;
  const outStep = span * stride;
  for (let k = 0; k < span; k++) {
    const w1r = twRe[4 * k]!;
    const w1i = twIm[4 * k]!;
    const w2r = twRe[4 * k + 1]!;
    const w2i = twIm[4 * k + 1]!;
    const w3r = twRe[4 * k + 2]!;
    const w3i = twIm[4 * k + 2]!;
    const w4r = twRe[4 * k + 3]!;
    const w4i = twIm[4 * k + 3]!;
    const inBase = 5 * k * stride;
    const outBase = k * stride;
    for (let j = 0; j < stride; j++) {
      const i0 = inBase + j;
      const i1 = i0 + stride;
      const i2 = i1 + stride;
      const i3 = i2 + stride;
      const i4 = i3 + stride;
      const a0r = inRe[i0]!;
      const a0i = inIm[i0]!;
      const x1r = inRe[i1]!;
      const x1i = inIm[i1]!;
      const x2r = inRe[i2]!;
      const x2i = inIm[i2]!;
      const x3r = inRe[i3]!;
      const x3i = inIm[i3]!;
      const x4r = inRe[i4]!;
      const x4i = inIm[i4]!;
      const a1r = x1r * w1r - x1i * w1i;
      const a1i = x1r * w1i + x1i * w1r;
      const a2r = x2r * w2r - x2i * w2i;
      const a2i = x2r * w2i + x2i * w2r;
      const a3r = x3r * w3r - x3i * w3i;
      const a3i = x3r * w3i + x3i * w3r;
      const a4r = x4r * w4r - x4i * w4i;
      const a4i = x4r * w4i + x4i * w4r;
      const b1r = a1r + a4r;
      const b1i = a1i + a4i;
      const b2r = a2r + a3r;
      const b2i = a2i + a3i;
      const d1r = a1r - a4r;
      const d1i = a1i - a4i;
      const d2r = a2r - a3r;
      const d2i = a2i - a3i;
      const m1r = a0r + C1 * b1r + C2 * b2r;
      const m1i = a0i + C1 * b1i + C2 * b2i;
      const m2r = a0r + C2 * b1r + C1 * b2r;
      const m2i = a0i + C2 * b1i + C1 * b2i;
      // -i * T with T = S1 d1 + S2 d2 (for q = 1) and U = S2 d1 - S1 d2 (for q = 2)
      const tr = S1 * d1i + S2 * d2i;
      const ti = -(S1 * d1r + S2 * d2r);
      const ur = S2 * d1i - S1 * d2i;
      const ui = -(S2 * d1r - S1 * d2r);
      const o0 = outBase + j;
      outRe[o0] = a0r + b1r + b2r;
      outIm[o0] = a0i + b1i + b2i;
      outRe[o0 + outStep] = m1r + tr;
      outIm[o0 + outStep] = m1i + ti;
      outRe[o0 + 2 * outStep] = m2r + ur;
      outIm[o0 + 2 * outStep] = m2i + ui;
      outRe[o0 + 3 * outStep] = m2r - ur;
      outIm[o0 + 3 * outStep] = m2i - ui;
      outRe[o0 + 4 * outStep] = m1r - tr;
      outIm[o0 + 4 * outStep] = m1i - ti;
    }
  }
}
