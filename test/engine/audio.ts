/**
 * Deterministic speech-like test audio at 16 kHz: voiced stretches (an amplitude-modulated
 * harmonic tone) separated by silence, varied by a seed. Enough for the energy check and the
 * engine's numerics; real speech fixtures live in test/support/speech.ts.
 */
const RATE_HZ = 16000;

export function speechLike(seconds: number, seed = 1): Float32Array {
  const pcm = new Float32Array(Math.round(seconds * RATE_HZ));
  const f0 = 110 + 17 * seed;
  for (let i = 0; i < pcm.length; i++) {
    // 0.9 s voiced, 0.6 s pause, so longer clips have several segments.
    if (i % (1.5 * RATE_HZ) >= 0.9 * RATE_HZ) continue;
    const t = i / RATE_HZ;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t + seed);
    pcm[i] = 0.25 * envelope * (Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(2 * Math.PI * 2.03 * f0 * t + seed));
  }
  return pcm;
}

export function silence(seconds: number): Float32Array {
  return new Float32Array(Math.round(seconds * RATE_HZ));
}
