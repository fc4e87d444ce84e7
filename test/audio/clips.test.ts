import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIP_KINDS, clipDurationS, makeClip } from '../../src/audio/clips.ts';
import { logMelSpectrogram } from '../../src/audio/mel.ts';

/** RMS of consecutive 25 ms windows. */
function windowRms(samples: Float32Array): number[] {
  const size = 400;
  const out: number[] = [];
  for (let at = 0; at + size <= samples.length; at += size) {
    let sum = 0;
    for (let i = at; i < at + size; i++) sum += samples[i]! ** 2;
    out.push(Math.sqrt(sum / size));
  }
  return out;
}

describe('built-in clips', () => {
  it('have the documented durations at 16 kHz', () => {
    for (const kind of CLIP_KINDS) assert.equal(makeClip(kind).length, clipDurationS(kind) * 16000, kind);
    assert.deepEqual(CLIP_KINDS.map(clipDurationS), [1, 5, 30, 1], 'silence is one second');
  });

  it('are identical on every call', () => {
    for (const kind of CLIP_KINDS) assert.deepEqual(makeClip(kind), makeClip(kind), kind);
  });

  it('make silence exact zeros', () => {
    assert.ok(
      makeClip('silence').every((v) => v === 0),
      'all zeros',
    );
  });

  for (const kind of ['1s', '5s', '30s'] as const) {
    it(`${kind} is speech-like: bounded, with syllables and pauses`, () => {
      const clip = makeClip(kind);
      const peak = clip.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(peak > 0.4 && peak <= 0.51, `peak ${peak}`);
      const rms = windowRms(clip);
      const loud = rms.filter((v) => v > 0.05).length / rms.length;
      const quiet = rms.filter((v) => v < 0.01).length / rms.length;
      assert.ok(loud > 0.3, `voiced windows ${loud}`);
      assert.ok(quiet > 0.05, `pause windows ${quiet}`);
    });
  }

  it('puts its energy where speech has it (mostly below 4 kHz, not a single tone)', () => {
    const { mel, frames, bins } = logMelSpectrogram(makeClip('5s'));
    const perBin = Array.from({ length: bins }, (_, b) => {
      let sum = 0;
      for (let t = 0; t < frames; t++) sum += 10 ** (mel[b * frames + t]! * 4 - 4);
      return sum;
    });
    const total = perBin.reduce((a, b) => a + b, 0);
    const below4k = perBin.slice(0, 61).reduce((a, b) => a + b, 0);
    assert.ok(below4k / total > 0.8, `share below ~4 kHz ${below4k / total}`);
    const strongBins = perBin.filter((v) => v > total * 0.01).length;
    assert.ok(strongBins >= 10, `energy spread over ${strongBins} mel bins`);
  });
});
