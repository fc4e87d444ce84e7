import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  geluInPlace,
  im2col3,
  layerNorm,
  matmulNT,
  matvecNT,
  softmaxInPlace,
  windowedSelfAttention,
} from '../../src/engine/reference/kernels.ts';
import { Xorshift32 } from '../../src/engine/reference/prng.ts';

function random(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  new Xorshift32(seed).fillUniform(values, 1);
  return values;
}

/** Plain float64 A·Wᵀ (+ bias): the reference every optimised product is held to. */
function naiveNT(a: Float32Array, w: Float32Array, m: number, k: number, n: number, bias?: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * w[j * k + p]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= tolerance,
      `${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

describe('matmulNT', () => {
  for (const [m, k, n] of [
    [1, 1, 1],
    [2, 4, 4],
    [3, 5, 7],
    [7, 33, 9],
    [16, 64, 20],
    [5, 512, 6],
  ] as const) {
    it(`equals a naive float64 product for ${m}x${k} · (${n}x${k})ᵀ, with and without bias`, () => {
      const a = random(m * k, 1 + m);
      const w = random(n * k, 2 + n);
      const bias = random(n, 3);
      const c = new Float32Array(m * n);
      matmulNT(a, w, c, m, k, n);
      assertClose(c, naiveNT(a, w, m, k, n), 1e-4 * k, 'no bias');
      matmulNT(a, w, c, m, k, n, bias);
      assertClose(c, naiveNT(a, w, m, k, n, bias), 1e-4 * k, 'with bias');
    });
  }

  it('matvecNT is the one-row case', () => {
    const x = random(37, 4);
    const w = random(11 * 37, 5);
    const y = new Float32Array(11);
    matvecNT(x, w, y, 37, 11);
    assertClose(y, naiveNT(x, w, 1, 37, 11), 1e-4 * 37, 'matvec');
  });
});

describe('row operations', () => {
  it('layerNorm gives each row zero mean and unit variance before gain and shift', () => {
    const x = random(3 * 64, 6);
    const out = new Float32Array(x.length);
    layerNorm(x, out, 3, 64, new Float32Array(64).fill(1), new Float32Array(64));
    for (let r = 0; r < 3; r++) {
      const row = out.subarray(r * 64, r * 64 + 64);
      const mean = row.reduce((s, v) => s + v, 0) / 64;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 64;
      assert.ok(Math.abs(mean) < 1e-5, `row ${r} mean ${mean}`);
      assert.ok(Math.abs(variance - 1) < 1e-3, `row ${r} variance ${variance}`);
    }
  });

  it('softmax sums to one and keeps the order of its inputs', () => {
    const x = Float32Array.from([0, 5, -3, 9, 2]);
    softmaxInPlace(x, 1, 4);
    assert.equal(x[0], 0, 'element before the range untouched');
    const sum = x[1]! + x[2]! + x[3]! + x[4]!;
    assert.ok(Math.abs(sum - 1) < 1e-6, `sum ${sum}`);
    assert.ok(x[3]! > x[1]! && x[1]! > x[4]! && x[4]! > x[2]!, 'order preserved');
    const large = Float32Array.from([1000, 999]);
    softmaxInPlace(large, 0, 2);
    assert.ok(Math.abs(large[0]! - 1 / (1 + Math.exp(-1))) < 1e-6, `no overflow at 1000: ${large[0]}`);
  });

  it('GELU matches the erf definition within 1e-3', () => {
    const erf = (v: number): number => {
      // Abramowitz-Stegun 7.1.26, error below 1.5e-7.
      const t = 1 / (1 + 0.3275911 * Math.abs(v));
      const y =
        1 -
        ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
          t *
          Math.exp(-v * v);
      return v >= 0 ? y : -y;
    };
    const xs = Float32Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
    const expected = Array.from(xs, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
    geluInPlace(xs);
    assertClose(xs, expected, 1e-3, 'gelu');
  });
});

describe('windowedSelfAttention', () => {
  function naiveAttention(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    rows: number,
    d: number,
    heads: number,
    window: number,
  ): Float64Array {
    const hd = d / heads;
    const out = new Float64Array(rows * d);
    for (let t = 0; t < rows; t++) {
      const w0 = Math.floor(t / window) * window;
      const w1 = Math.min(rows, w0 + window);
      for (let h = 0; h < heads; h++) {
        const scores: number[] = [];
        for (let u = w0; u < w1; u++) {
          let s = 0;
          for (let i = 0; i < hd; i++) s += q[t * d + h * hd + i]! * k[u * d + h * hd + i]!;
          scores.push(s / Math.sqrt(hd));
        }
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < hd; i++) {
          let acc = 0;
          for (let u = w0; u < w1; u++) acc += (e[u - w0]! / z) * v[u * d + h * hd + i]!;
          out[t * d + h * hd + i] = acc;
        }
      }
    }
    return out;
  }

  it('equals naive multi-head attention, confined to each window', () => {
    const rows = 11;
    const d = 16;
    const q = random(rows * d, 7);
    const k = random(rows * d, 8);
    const v = random(rows * d, 9);
    const out = new Float32Array(rows * d);
    windowedSelfAttention(q, k, v, out, rows, d, 4, 5);
    assertClose(out, naiveAttention(q, k, v, rows, d, 4, 5), 1e-5, 'attention');
  });
});

describe('im2col3', () => {
  it('turns a kernel-3 padding-1 convolution into a product, for both input layouts and strides 1 and 2', () => {
    const channels = 3;
    const length = 7;
    const outputs = 2;
    const input = random(channels * length, 10);
    const w = random(outputs * channels * 3, 11);
    for (const stride of [1, 2]) {
      const expectedRows = Math.floor((length - 1) / stride) + 1;
      const expected: number[] = [];
      for (let t = 0; t < expectedRows; t++) {
        for (let o = 0; o < outputs; o++) {
          let s = 0;
          for (let c = 0; c < channels; c++) {
            for (let j = 0; j < 3; j++) {
              const p = t * stride + j - 1;
              if (p >= 0 && p < length) s += w[o * channels * 3 + c * 3 + j]! * input[c * length + p]!;
            }
          }
          expected.push(s);
        }
      }
      const channelMajor = im2col3(input, channels, length, length, 1, stride);
      assert.equal(channelMajor.rows, expectedRows, 'output positions');
      const c1 = new Float32Array(channelMajor.rows * outputs);
      matmulNT(channelMajor.col, w, c1, channelMajor.rows, channels * 3, outputs);
      assertClose(c1, expected, 1e-5, `channel-major stride ${stride}`);

      const positionMajor = new Float32Array(length * channels);
      for (let c = 0; c < channels; c++)
        for (let p = 0; p < length; p++) positionMajor[p * channels + c] = input[c * length + p]!;
      const second = im2col3(positionMajor, channels, length, 1, channels, stride);
      const c2 = new Float32Array(second.rows * outputs);
      matmulNT(second.col, w, c2, second.rows, channels * 3, outputs);
      assertClose(c2, expected, 1e-5, `position-major stride ${stride}`);
    }
  });
});
