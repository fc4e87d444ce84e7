import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transcript } from '../../src/engine/engine.ts';
import { render, serverTiming, timingDocument } from '../../src/service/formats.ts';

const transcript: Transcript = {
  text: 'hello world. second line',
  language: 'en',
  segments: [
    {
      id: 0,
      seek: 0,
      start: 0,
      end: 1.5,
      text: ' hello world.',
      tokens: [1, 2],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 1,
      no_speech_prob: 0.1,
    },
    {
      id: 1,
      seek: 0,
      start: 3661.25,
      end: 3662,
      text: ' second line',
      tokens: [3],
      temperature: 0,
      avg_logprob: -0.3,
      compression_ratio: 1,
      no_speech_prob: 0.1,
    },
  ],
  words: [{ word: 'hello', start: 0, end: 0.5 }],
};
const base = {
  transcript,
  durationS: 3662,
  model: 'reference-synthetic',
  timing: { total_ms: 5 },
  words: false,
  segments: true,
};

describe('render', () => {
  it('json carries the text and the model', () => {
    const out = render({ ...base, format: 'json' });
    assert.deepEqual(JSON.parse(out.body), { text: transcript.text, model: 'reference-synthetic' }, 'json body');
    assert.equal(out.contentType, 'application/json', 'content type');
  });

  it('srt numbers cues and uses comma milliseconds, hours included', () => {
    const body = render({ ...base, format: 'srt' }).body;
    assert.match(body, /^1\n00:00:00,000 --> 00:00:01,500\nhello world\.\n/, 'first cue');
    assert.match(body, /\n2\n01:01:01,250 --> 01:01:02,000\nsecond line\n$/, 'second cue with hours');
  });

  it('vtt starts with the header and uses dot milliseconds', () => {
    const body = render({ ...base, format: 'vtt' }).body;
    assert.ok(body.startsWith('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nhello world.'), body);
  });

  it('verbose_json has duration, language, segments, usage, timing, and words only when asked', () => {
    const without = JSON.parse(render({ ...base, format: 'verbose_json' }).body);
    assert.equal(without.duration, 3662, 'duration');
    assert.equal(without.language, 'en', 'language');
    assert.equal(without.segments.length, 2, 'segments');
    assert.equal(without.words, undefined, 'no words unless asked');
    assert.deepEqual(without.timing, { total_ms: 5 }, 'timing');
    assert.deepEqual(without.usage, { type: 'duration', seconds: 3662 }, 'usage');
    const withWords = JSON.parse(render({ ...base, format: 'verbose_json', words: true }).body);
    assert.deepEqual(withWords.words, transcript.words, 'words when asked');
  });

  it('text is the plain transcript', () => {
    assert.equal(render({ ...base, format: 'text' }).body, `${transcript.text}\n`, 'text body');
  });
});

describe('timing', () => {
  it('builds the timing document and a W3C Server-Timing header from it', () => {
    const timing = timingDocument(12.34567, 1.5, { mel_ms: 2, encoder_ms: 3.25, decoder_ms: 4 });
    assert.deepEqual(
      timing,
      { total_ms: 12.346, decode_ms: 1.5, mel_ms: 2, encoder_ms: 3.25, decoder_ms: 4 },
      'rounded to microseconds',
    );
    assert.equal(
      serverTiming(timing),
      'total;dur=12.346, decode;dur=1.500, mel;dur=2.000, encoder;dur=3.250, decoder;dur=4.000',
      'header',
    );
  });
});
