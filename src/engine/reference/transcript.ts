/**
 * Post-processing: decoded tokens into the OpenAI transcript shape -- segment texts (capitalised,
 * with a closing period), timestamps, word timings spread evenly over each segment, and the
 * per-segment statistics Whisper reports.
 */
import type { Segment, Transcript, Word } from '../engine.ts';
import { compressionRatio, round } from '../segment-stats.ts';
import type { PlannedSegment } from './speech-plan.ts';
import { tokenWord } from './vocabulary.ts';

/** Mel frames per 30 s window: Whisper's `seek` unit. */
const SEEK_FRAMES_PER_WINDOW = 3000;

export interface DecodedSegment {
  plan: PlannedSegment;
  tokens: number[];
  logprobs: number[];
}

export interface TranscriptOptions {
  language: string;
  temperature: number;
  wordTimestamps: boolean;
}

function sentence(words: string[]): string {
  const joined = words.join(' ');
  return `${joined.charAt(0).toUpperCase() + joined.slice(1)}.`;
}

export function buildTranscript(decoded: readonly DecodedSegment[], options: TranscriptOptions): Transcript {
  const segments: Segment[] = [];
  const words: Word[] = [];
  for (const { plan, tokens, logprobs } of decoded) {
    if (tokens.length === 0) continue;
    const spelled = tokens.map(tokenWord);
    const text = ` ${sentence(spelled)}`;
    segments.push({
      id: segments.length,
      seek: plan.window * SEEK_FRAMES_PER_WINDOW,
      start: round(plan.start, 2),
      end: round(plan.end, 2),
      text,
      tokens: [...tokens],
      temperature: options.temperature,
      avg_logprob: round(logprobs.reduce((sum, lp) => sum + lp, 0) / logprobs.length, 4),
      compression_ratio: round(compressionRatio(text), 4),
      no_speech_prob: round(1 - plan.voicedFraction, 4),
    });
    if (options.wordTimestamps) {
      const step = (plan.end - plan.start) / spelled.length;
      spelled.forEach((word, i) => {
        words.push({ word, start: round(plan.start + i * step, 2), end: round(plan.start + (i + 1) * step, 2) });
      });
    }
  }
  return {
    text: segments
      .map((segment) => segment.text)
      .join('')
      .trim(),
    language: options.language,
    segments,
    words,
  };
}
