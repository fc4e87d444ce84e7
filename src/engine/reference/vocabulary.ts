/**
 * The synthetic vocabulary: 8192 made-up words plus Whisper-style special tokens. Whisper-base has
 * 51865 tokens; projecting onto all of them costs 27 ms per generated token here (a 51865×512
 * matrix-vector product, measured on this 2-core machine), which alone would eat a third of the
 * decoder's CPU budget, so the synthetic model uses 8192 text tokens (3.9 ms per token). Words
 * are spelled from consonant-vowel syllables, so every id has a distinct, pronounceable spelling
 * and no table needs to be stored.
 */
import { hashString } from './prng.ts';

/** Text tokens: ids [0, TEXT_TOKENS). */
export const TEXT_TOKENS = 8192;
// TEXT_TOKENS itself is <|endoftext|>: reserved, since the synthetic decoder stops by count.
export const SOT = TEXT_TOKENS + 1;
export const TRANSCRIBE = TEXT_TOKENS + 2;
export const START_OF_PREV = TEXT_TOKENS + 3;
const LANGUAGE_BASE = TEXT_TOKENS + 4;
/** Language slots, as many as Whisper's multilingual vocabulary has. */
const LANGUAGE_SLOTS = 99;
/** Rows of the token embedding. */
export const VOCAB_SIZE = LANGUAGE_BASE + LANGUAGE_SLOTS;
/** Longest prompt kept, in tokens (Whisper keeps up to 223; each costs a decoder step here). */
export const MAX_PROMPT_TOKENS = 32;

const CONSONANTS = 'bdfghklmnprstvz';
const VOWELS = 'aeiou';
const SYLLABLES = CONSONANTS.length * VOWELS.length;

function syllable(index: number): string {
  return CONSONANTS[Math.floor(index / VOWELS.length)]! + VOWELS[index % VOWELS.length]!;
}

/** The word a text token stands for (without Whisper's leading space). */
export function tokenWord(id: number): string {
  if (!Number.isInteger(id) || id < 0 || id >= TEXT_TOKENS) throw new RangeError(`not a text token: ${id}`);
  if (id < SYLLABLES) return syllable(id);
  let rest = id - SYLLABLES;
  if (rest < SYLLABLES * SYLLABLES) return syllable(Math.floor(rest / SYLLABLES)) + syllable(rest % SYLLABLES);
  rest -= SYLLABLES * SYLLABLES;
  return (
    syllable(Math.floor(rest / (SYLLABLES * SYLLABLES))) +
    syllable(Math.floor(rest / SYLLABLES) % SYLLABLES) +
    syllable(rest % SYLLABLES)
  );
}

/** The language token for an ISO-639-1 code (a stable hash into the language slots). */
export function languageToken(code: string): number {
  return LANGUAGE_BASE + (hashString(code.toLowerCase()) % LANGUAGE_SLOTS);
}

/** A prompt as text tokens: each of its last MAX_PROMPT_TOKENS words hashed to a token. */
export function promptTokens(prompt: string | undefined): number[] {
  if (!prompt) return [];
  const words = prompt.split(/\s+/).filter((word) => word.length > 0);
  return words.slice(-MAX_PROMPT_TOKENS).map((word) => hashString(word.toLowerCase()) % TEXT_TOKENS);
}
