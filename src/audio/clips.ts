/**
 * Deterministic built-in clips for the load generator, 16 kHz mono. Speech-like rather than real
 * speech (no TTS at load time): syllables of a glottal pulse train (f0 around 120 Hz with a falling
 * intonation) through three vowel formant resonators, some with a fricative noise onset, under a
 * raised-cosine syllable envelope, grouped into words with pauses, over a faint noise floor. That
 * gives the front end a speech-shaped spectrum and energy contour, and every run the same bytes.
 * `silence` is one second of exact zeros (the engine's no-speech path).
 */

export type ClipKind = '1s' | '5s' | '30s' | 'silence';

export const CLIP_KINDS: readonly ClipKind[] = ['1s', '5s', '30s', 'silence'];

const RATE_HZ = 16000;

const DURATION_S: Record<ClipKind, number> = { '1s': 1, '5s': 5, '30s': 30, silence: 1 };

/** Duration of a built-in clip in seconds (silence: 1 s). */
export function clipDurationS(kind: ClipKind): number {
  return DURATION_S[kind];
}

/** F1..F3 in Hz of five vowels (a, i, u, e, o; Peterson & Barney averages). */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
  [530, 1840, 2480],
  [570, 840, 2410],
];

/** Seeded xorshift32 in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Two-pole resonator at `hz` with bandwidth `bandwidthHz`, filtering `signal` in place, unit gain at its peak (approximately). */
function resonate(signal: Float64Array, hz: number, bandwidthHz: number): void {
  const r = Math.exp((-Math.PI * bandwidthHz) / RATE_HZ);
  const a1 = 2 * r * Math.cos((2 * Math.PI * hz) / RATE_HZ);
  const a2 = -r * r;
  const gain = 1 - r;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < signal.length; i++) {
    const y = gain * signal[i]! + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    signal[i] = y;
  }
}

function scaleToRms(signal: Float64Array, rms: number): void {
  let sum = 0;
  for (const v of signal) sum += v * v;
  const scale = sum > 0 ? rms / Math.sqrt(sum / signal.length) : 0;
  for (let i = 0; i < signal.length; i++) signal[i]! *= scale;
}

/** One syllable of `length` samples: optional fricative onset, then a voiced vowel. */
function syllable(
  length: number,
  vowel: readonly [number, number, number],
  f0Hz: number,
  fricative: boolean,
  next: () => number,
): Float64Array {
  const voiced = new Float64Array(length);
  let phase = next();
  for (let i = 0; i < length; i++) {
    // Falling intonation within the syllable, a little jitter per period.
    const f0 = f0Hz * (1.1 - 0.2 * (i / length));
    phase += f0 / RATE_HZ;
    if (phase >= 1) {
      phase -= 1 + (next() - 0.5) * 0.02;
      voiced[i] = 1;
    }
  }
  resonate(voiced, vowel[0], 90);
  resonate(voiced, vowel[1], 110);
  resonate(voiced, vowel[2], 170);
  const onset = fricative ? Math.floor(length * 0.25) : 0;
  const noise = new Float64Array(onset).map(() => next() - 0.5);
  resonate(noise, 4500, 1800);
  // Vowel at unit RMS, a fricative some 12 dB below it, as in speech.
  scaleToRms(voiced, 1);
  scaleToRms(noise, 0.25);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const rise = Math.min(1, i / (0.2 * length));
    const fall = Math.min(1, (length - i) / (0.3 * length));
    const envelope = 0.5 - 0.5 * Math.cos(Math.PI * Math.min(rise, fall));
    out[i] = (i < onset ? noise[i]! : voiced[i]!) * envelope;
  }
  return out;
}

/** A built-in clip, 16 kHz mono in [-1, 1], identical on every call. */
export function makeClip(kind: ClipKind): Float32Array {
  const length = Math.round(DURATION_S[kind] * RATE_HZ);
  const clip = new Float32Array(length);
  if (kind === 'silence') return clip;
  const next = random(0x5eed + length);
  const mix = new Float64Array(length);
  let at = Math.floor(0.05 * RATE_HZ);
  let syllableInWord = 0;
  while (at < length) {
    const size = Math.floor((0.12 + 0.14 * next()) * RATE_HZ);
    const vowel = VOWELS[Math.floor(next() * VOWELS.length)]!;
    const voice = syllable(size, vowel, 105 + 30 * next(), next() < 0.35, next);
    for (let i = 0; i < size && at + i < length; i++) mix[at + i] = voice[i]!;
    syllableInWord++;
    const endOfWord = syllableInWord >= 1 + Math.floor(next() * 3);
    if (endOfWord) syllableInWord = 0;
    at += size + Math.floor((endOfWord ? 0.12 + 0.15 * next() : 0.02 + 0.03 * next()) * RATE_HZ);
  }
  let peak = 0;
  for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs(mix[i]!));
  const scale = peak > 0 ? 0.5 / peak : 0;
  for (let i = 0; i < length; i++) clip[i] = mix[i]! * scale + 0.002 * (next() - 0.5);
  return clip;
}
