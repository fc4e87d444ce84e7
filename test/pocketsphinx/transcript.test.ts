/**
 * Post-processing and sizing rules on hand-made decoder output (no Debian packages needed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recognizerCount } from '../../src/engine/pocketsphinx/engine.ts';
import type { RawResult, RawWord } from '../../src/engine/pocketsphinx/setup.ts';
import { loadAddon, SETUP_COMMAND } from '../../src/engine/pocketsphinx/setup.ts';
import { baseWord, buildTranscript, isFiller } from '../../src/engine/pocketsphinx/transcript.ts';

function word(text: string, startFrame: number, endFrame: number, lmId = 7, logPosterior = -0.5): RawWord {
  return { word: text, startFrame, endFrame, logPosterior, lmId };
}

function raw(words: RawWord[]): RawResult {
  const hrtimeMs = { frontendStart: 0, frontendEnd: 1, searchStart: 1, searchEnd: 2, postStart: 2, postEnd: 3 };
  return { text: '', score: 0, logPosterior: 0, frames: 400, words, hrtimeMs };
}

describe('pocketsphinx transcript', () => {
  it('drops fillers and alternate-pronunciation marks', () => {
    const { text, words } = buildTranscript(
      raw([
        word('<s>', 0, 9, -1),
        word('read(2)', 10, 39),
        word('<sil>', 40, 44, -1),
        word('[NOISE]', 45, 49, -1),
        word('books', 50, 89),
        word('</s>', 90, 99, -1),
      ]),
      { wordTimestamps: true },
    );
    assert.equal(text, 'read books', 'only the spoken words, base spellings');
    assert.deepEqual(
      words,
      [
        { word: 'read', start: 0.1, end: 0.4 },
        { word: 'books', start: 0.5, end: 0.9 },
      ],
      'frames are 10 ms, end frame inclusive',
    );
  });

  it('starts a new segment at a pause of half a second or more', () => {
    const { segments } = buildTranscript(raw([word('one', 0, 29), word('two', 70, 99), word('three', 150, 179)]), {
      wordTimestamps: false,
    });
    assert.deepEqual(
      segments.map((s) => s.text),
      [' one two', ' three'],
      '0.4 s keeps, 0.5 s splits',
    );
    assert.deepEqual(
      segments.map((s) => [s.id, s.start, s.end]),
      [
        [0, 0, 1],
        [1, 1.5, 1.8],
      ],
      'ids and times from the words',
    );
  });

  it('fills the Whisper fields from the recogniser', () => {
    const [segment] = buildTranscript(raw([word('hello', 0, 49, 11, -0.2), word('world', 50, 99, 12, -0.6)]), {
      wordTimestamps: false,
    }).segments;
    assert.ok(segment, 'one segment');
    assert.deepEqual(segment.tokens, [11, 12], 'language-model ids');
    assert.equal(segment.avg_logprob, -0.4, 'mean word log posterior');
    assert.equal(segment.seek, 0, 'one window');
    assert.equal(segment.temperature, 0, 'deterministic search');
    assert.ok(segment.compression_ratio > 0, 'compression ratio of the text');
  });

  it('gives no segments for a path of fillers only', () => {
    const transcript = buildTranscript(raw([word('<s>', 0, 50, -1), word('</s>', 51, 99, -1)]), {
      wordTimestamps: true,
    });
    assert.deepEqual(transcript, { text: '', language: 'en', segments: [], words: [] }, 'empty transcript');
  });

  it('recognises filler spellings and strips only the pronunciation suffix', () => {
    assert.ok(['<s>', '</s>', '<sil>', '[NOISE]', '+SPN+'].every(isFiller), 'fillers');
    assert.ok(!isFiller("don't"), 'words are not fillers');
    assert.equal(baseWord('the(3)'), 'the', 'suffix removed');
    assert.equal(baseWord("o'clock"), "o'clock", 'apostrophes stay');
  });
});

describe('pocketsphinx sizing and setup', () => {
  it('runs one recogniser per pool thread, keeping a libuv thread free', () => {
    assert.equal(recognizerCount(2, 4), 2, 'two cores, default threadpool');
    assert.equal(recognizerCount(8, 4), 3, 'capped by the threadpool');
    assert.equal(recognizerCount(8, 1), 1, 'at least one');
  });

  it('names the setup command when the model is missing', () => {
    assert.throws(
      () => loadAddon('/nonexistent/pocketsphinx-model'),
      (error: Error) =>
        error.message.includes('missing /nonexistent/pocketsphinx-model') && error.message.includes(SETUP_COMMAND),
      'what is missing and how to fix it',
    );
  });
});
