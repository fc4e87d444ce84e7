import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComplexFft } from '../../src/audio/fft.ts';
import { RealFft } from '../../src/audio/real-fft.ts';

/** Deterministic noise in [-1, 1) (xorshift32). */
function noise(length: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  return Float64Array.from({ length }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  });
}

/** O(n^2) DFT in float64 with exact angle reduction, the reference. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      sr += re[t]! * c - im[t]! * s;
      si += re[t]! * s + im[t]! * c;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, length = a.length): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('ComplexFft', () => {
  for (const size of [1, 2, 3, 4, 5, 8, 12, 15, 16, 20, 25, 30, 60, 100, 200, 360]) {
    it(`matches the naive DFT for size ${size}`, () => {
      const fft = new ComplexFft(size);
      const re = noise(size, size);
      const im = noise(size, size + 1000);
      fft.re.set(re);
      fft.im.set(im);
      const [gotRe, gotIm] = fft.run();
      const [wantRe, wantIm] = naiveDft(re, im);
      const error = Math.max(maxDiff(gotRe, wantRe), maxDiff(gotIm, wantIm));
      assert.ok(error < 1e-12 * size, `size ${size}: max error ${error}`);
    });
  }

  it('puts a unit impulse at n = 1 on the unit circle in natural order', () => {
    const fft = new ComplexFft(200);
    fft.re[1] = 1;
    const [re, im] = fft.run();
    for (const k of [0, 1, 7, 99, 199]) {
      assert.ok(Math.abs(re[k]! - Math.cos((-2 * Math.PI * k) / 200)) < 1e-14, `re[${k}]`);
      assert.ok(Math.abs(im[k]! - Math.sin((-2 * Math.PI * k) / 200)) < 1e-14, `im[${k}]`);
    }
  });

  it('rejects sizes with prime factors other than 2, 3 and 5', () => {
    assert.throws(() => new ComplexFft(14), /prime factor/, '7 is not supported');
    assert.throws(() => new ComplexFft(0), RangeError, 'zero size');
  });
});

describe('RealFft', () => {
  for (const size of [2, 4, 10, 16, 40, 400, 512]) {
    it(`forward and power match the naive DFT for size ${size}`, () => {
      const fft = new RealFft(size);
      const input = noise(size, 7 * size);
      const [wantRe, wantIm] = naiveDft(input, new Float64Array(size));
      const re = new Float64Array(fft.bins);
      const im = new Float64Array(fft.bins);
      fft.forward(input, re, im);
      assert.ok(maxDiff(re, wantRe, fft.bins) < 1e-12 * size, 'real parts');
      assert.ok(maxDiff(im, wantIm, fft.bins) < 1e-12 * size, 'imaginary parts');
      const power = new Float64Array(fft.bins + 3);
      fft.power(input, power, 3);
      for (let k = 0; k < fft.bins; k++) {
        const want = wantRe[k]! ** 2 + wantIm[k]! ** 2;
        assert.ok(Math.abs(power[3 + k]! - want) <= 1e-11 * Math.max(1, want), `power bin ${k}`);
      }
    });
  }

  it('powerOfLoaded transforms what was written to even/odd', () => {
    const fft = new RealFft(400);
    const input = noise(400, 3);
    const viaPower = new Float64Array(fft.bins);
    fft.power(input, viaPower);
    for (let n = 0; n < 200; n++) {
      fft.even[n] = input[2 * n]!;
      fft.odd[n] = input[2 * n + 1]!;
    }
    const viaLoaded = new Float64Array(fft.bins);
    fft.powerOfLoaded(viaLoaded);
    assert.deepEqual(viaLoaded, viaPower, 'same spectrum either way');
  });

  it('rejects odd sizes', () => {
    assert.throws(() => new RealFft(401), RangeError, 'odd size');
  });
});
