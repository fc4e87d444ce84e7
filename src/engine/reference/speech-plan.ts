/**
 * The energy check that decides how much text the synthetic decoder produces: 20 ms frames whose
 * RMS reaches -40 dBFS count as voiced; voiced stretches (merged across pauses under 0.4 s,
 * ignoring blips under 0.1 s) become segments of at most 10 s, split at the 30 s window
 * boundaries; each segment gets ~2.5 tokens per voiced second (at least one). Silence gets none.
 */

export const TOKENS_PER_SECOND = 2.5;
const SAMPLE_RATE_HZ = 16000;
const FRAME_S = 0.02;
const FRAME_SAMPLES = SAMPLE_RATE_HZ * FRAME_S;
/** -40 dBFS. */
const VOICED_RMS = 0.01;
const MERGE_GAP_FRAMES = 20;
const MIN_VOICED_FRAMES = 5;
const MAX_SEGMENT_FRAMES = 500;
/** 30 s windows of 20 ms frames, as the encoder's WINDOW_POSITIONS. */
const FRAMES_PER_WINDOW = 1500;

export interface PlannedSegment {
  /** 30 s window index. */
  window: number;
  start: number;
  end: number;
  /** Voiced share of [start, end). */
  voicedFraction: number;
  tokens: number;
}

/** 1 for each 20 ms frame whose RMS reaches -40 dBFS; a window's samples give that window's frames (30 s is 1500 frames). */
export function voicedFrames(pcm: Float32Array): Uint8Array {
  const count = Math.ceil(pcm.length / FRAME_SAMPLES);
  const voiced = new Uint8Array(count);
  for (let f = 0; f < count; f++) {
    const from = f * FRAME_SAMPLES;
    const to = Math.min(pcm.length, from + FRAME_SAMPLES);
    let energy = 0;
    for (let i = from; i < to; i++) energy += pcm[i]! * pcm[i]!;
    voiced[f] = Math.sqrt(energy / (to - from)) >= VOICED_RMS ? 1 : 0;
  }
  return voiced;
}

/** Voiced stretches [from, to) in frames, merged across short pauses. */
function stretches(voiced: Uint8Array): [number, number][] {
  const found: [number, number][] = [];
  let f = 0;
  while (f < voiced.length) {
    if (!voiced[f]) {
      f++;
      continue;
    }
    let to = f;
    while (to < voiced.length && voiced[to]) to++;
    const last = found[found.length - 1];
    if (last && f - last[1] < MERGE_GAP_FRAMES) last[1] = to;
    else found.push([f, to]);
    f = to;
  }
  return found;
}

export function planSpeech(pcm: Float32Array): PlannedSegment[] {
  return planFromVoiced(voicedFrames(pcm), pcm.length / SAMPLE_RATE_HZ);
}

/** The segments of audio lasting `durationS` whose frames are `voiced` (voicedFrames of all of it). */
export function planFromVoiced(voiced: Uint8Array, durationS: number): PlannedSegment[] {
  const segments: PlannedSegment[] = [];
  for (const [from, to] of stretches(voiced)) {
    let at = from;
    while (at < to) {
      const windowEnd = (Math.floor(at / FRAMES_PER_WINDOW) + 1) * FRAMES_PER_WINDOW;
      const end = Math.min(to, at + MAX_SEGMENT_FRAMES, windowEnd);
      let count = 0;
      for (let f = at; f < end; f++) count += voiced[f]!;
      if (count >= MIN_VOICED_FRAMES) {
        segments.push({
          window: Math.floor(at / FRAMES_PER_WINDOW),
          start: at * FRAME_S,
          end: Math.min(end * FRAME_S, durationS),
          voicedFraction: count / (end - at),
          tokens: Math.max(1, Math.round(TOKENS_PER_SECOND * count * FRAME_S)),
        });
      }
      at = end;
    }
  }
  return segments;
}
