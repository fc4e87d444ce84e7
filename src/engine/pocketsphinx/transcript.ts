/**
 * Post-processing: the decoder's best path into the OpenAI transcript shape. Fillers (`<s>`,
 * `</s>`, `<sil>`, `[NOISE]`, ...) are dropped, alternate-pronunciation marks (`read(2)`) removed,
 * and words grouped into segments wherever the speaker pauses.
 */
import type { Segment, Transcript, Word } from '../engine.ts';
import { compressionRatio, round } from '../segment-stats.ts';
import type { RawResult, RawWord } from './setup.ts';

/** The decoder's frame rate: one MFCC frame per 10 ms. */
export const FRAMES_PER_SECOND = 100;

/** A pause at least this long between two words starts a new segment. */
export const SEGMENT_PAUSE_S = 0.5;

export interface TranscriptOptions {
  wordTimestamps: boolean;
}

/** True for the dictionary's non-words: sentence marks, silence and noises. */
export function isFiller(word: string): boolean {
  return word.startsWith('<') || word.startsWith('[') || word.startsWith('+');
}

/** `read(2)` -> `read`. */
export function baseWord(word: string): string {
  const paren = word.indexOf('(');
  return paren > 0 ? word.slice(0, paren) : word;
}

const startS = (word: RawWord): number => word.startFrame / FRAMES_PER_SECOND;
const endS = (word: RawWord): number => (word.endFrame + 1) / FRAMES_PER_SECOND;

/** Consecutive spoken words with no pause of SEGMENT_PAUSE_S or more between them. */
function groupByPauses(words: readonly RawWord[]): RawWord[][] {
  const groups: RawWord[][] = [];
  let current: RawWord[] = [];
  for (const word of words) {
    const previous = current.at(-1);
    if (previous && startS(word) - endS(previous) >= SEGMENT_PAUSE_S) {
      groups.push(current);
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Builds the transcript. Whisper fields without a PocketSphinx counterpart are filled honestly:
 * `seek` 0 (one window: the whole audio), `temperature` 0 (deterministic beam search),
 * `no_speech_prob` 0 (segments exist only where words were recognised); `avg_logprob` is the mean
 * log posterior of the segment's words and `tokens` their language-model ids.
 */
export function buildTranscript(raw: RawResult, options: TranscriptOptions): Transcript {
  const spoken = raw.words.filter((word) => !isFiller(word.word));
  const segments: Segment[] = [];
  const words: Word[] = [];
  for (const group of groupByPauses(spoken)) {
    const spelled = group.map((word) => baseWord(word.word));
    const text = ` ${spelled.join(' ')}`;
    segments.push({
      id: segments.length,
      seek: 0,
      start: round(startS(group[0]!), 2),
      end: round(endS(group.at(-1)!), 2),
      text,
      tokens: group.map((word) => word.lmId).filter((id) => id >= 0),
      temperature: 0,
      avg_logprob: round(group.reduce((sum, word) => sum + word.logPosterior, 0) / group.length, 4),
      compression_ratio: round(compressionRatio(text), 4),
      no_speech_prob: 0,
    });
    if (options.wordTimestamps) {
      group.forEach((word, i) => {
        words.push({ word: spelled[i]!, start: round(startS(word), 2), end: round(endS(word), 2) });
      });
    }
  }
  return {
    text: segments
      .map((segment) => segment.text)
      .join('')
      .trim(),
    language: 'en',
    segments,
    words,
  };
}
