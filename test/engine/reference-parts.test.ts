import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NPU_TIMING } from '../../src/accelerator/npu-timing.ts';
import { decoderTask } from '../../src/engine/reference/decoder.ts';
import { encoderTask } from '../../src/engine/reference/encoder.ts';
import { encoderPositions } from '../../src/engine/reference/shapes.ts';
import { planSpeech } from '../../src/engine/reference/speech-plan.ts';
import { buildTranscript } from '../../src/engine/reference/transcript.ts';
import {
  languageToken,
  promptTokens,
  TEXT_TOKENS,
  tokenWord,
  VOCAB_SIZE,
} from '../../src/engine/reference/vocabulary.ts';
import { createWeights, sharedWeights, tensor, tensorSpecs } from '../../src/engine/reference/weights.ts';
import { ATTR, SPAN } from '../../src/telemetry/names.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';
import { silence, speechLike } from './audio.ts';

describe('synthetic weights', () => {
  it('have Whisper-base shapes: 6+6 layers of width 512 and FFN 2048', () => {
    const specs = new Map(tensorSpecs().map((spec) => [spec.name, spec.length]));
    assert.equal(specs.get('encoder.5.mlp.fc1.weight'), 2048 * 512, 'encoder FFN');
    assert.equal(specs.get('decoder.5.cross.key.weight'), 512 * 512, 'decoder cross-attention');
    assert.equal(specs.has('encoder.6.attn.query.weight'), false, 'six encoder layers');
    assert.equal(specs.get('encoder.conv1.weight'), 512 * 80 * 3, 'conv1: 80 mel bins, kernel 3');
    assert.equal(specs.get('decoder.token_embedding'), VOCAB_SIZE * 512, 'embedding rows = vocabulary');
  });

  it('are deterministic per seed and shared within the process', () => {
    const weights = sharedWeights();
    assert.equal(sharedWeights(), weights, 'generated once');
    assert.ok(weights.buffer instanceof SharedArrayBuffer, 'in shared memory for the workers');
    const again = createWeights();
    assert.deepEqual(
      tensor(again, 'encoder.3.attn.value.weight').subarray(0, 64),
      tensor(weights, 'encoder.3.attn.value.weight').subarray(0, 64),
      'same seed, same values',
    );
    const other = createWeights(7);
    assert.notDeepEqual(
      tensor(other, 'encoder.3.attn.value.weight').subarray(0, 64),
      tensor(weights, 'encoder.3.attn.value.weight').subarray(0, 64),
      'another seed, other values',
    );
  });
});

describe('synthetic vocabulary', () => {
  it('spells every text token differently', () => {
    const words = new Set(Array.from({ length: TEXT_TOKENS }, (_, id) => tokenWord(id)));
    assert.equal(words.size, TEXT_TOKENS, 'all distinct');
    assert.throws(() => tokenWord(TEXT_TOKENS), RangeError, 'special tokens have no spelling');
  });

  it('maps languages and prompts to stable tokens', () => {
    assert.equal(languageToken('EN'), languageToken('en'), 'case-insensitive');
    assert.ok(languageToken('de') >= TEXT_TOKENS && languageToken('de') < VOCAB_SIZE, 'a special token');
    assert.deepEqual(promptTokens('Hello  world'), promptTokens('hello world'), 'words, case-insensitive');
    assert.equal(promptTokens(Array(50).fill('x').join(' ')).length, 32, 'long prompts keep their last 32 words');
  });
});

describe('speech plan (energy check)', () => {
  it('finds no speech in silence', () => {
    assert.deepEqual(planSpeech(silence(2)), [], 'nothing to decode');
  });

  it('gives each voiced stretch a segment of about 2.5 tokens per voiced second, at least one', () => {
    const plan = planSpeech(speechLike(3));
    assert.equal(plan.length, 2, 'two 0.9 s stretches in 3 s');
    plan.forEach((segment, i) => {
      assert.equal(
        segment.tokens,
        Math.max(1, Math.round(2.5 * (segment.end - segment.start) * segment.voicedFraction)),
        'tokens from voiced time',
      );
      // The stretches are [0, 0.9) and [1.5, 2.4); quiet edges of the envelope may fall below -40 dBFS.
      assert.ok(
        segment.start >= 1.5 * i && segment.end <= 1.5 * i + 0.9 + 1e-9 && segment.end - segment.start >= 0.7,
        `stretch ${segment.start}-${segment.end}`,
      );
      assert.equal(segment.window, 0, 'first 30 s window');
    });
  });

  it('splits long speech at the 30 s windows and at 10 s', () => {
    const pcm = Float32Array.from({ length: 16000 * 34 }, (_, i) => 0.2 * Math.sin(i / 5));
    const plan = planSpeech(pcm);
    assert.deepEqual(
      plan.map((s) => [s.window, s.start, s.end]),
      [
        [0, 0, 10],
        [0, 10, 20],
        [0, 20, 30],
        [1, 30, 34],
      ],
      'segments',
    );
  });
});

describe('transcript formatting', () => {
  it('builds capitalised sentences with timestamps, statistics and optional words', () => {
    const plan = { window: 1, start: 31, end: 32.5, voicedFraction: 0.8, tokens: 3 };
    const transcript = buildTranscript([{ plan, tokens: [0, 80, 6000], logprobs: [-1, -2, -3] }], {
      language: 'fr',
      temperature: 0.2,
      wordTimestamps: true,
    });
    const words = [tokenWord(0), tokenWord(80), tokenWord(6000)];
    const expectedText = `${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`;
    assert.equal(transcript.text, expectedText, 'text');
    const [segment] = transcript.segments;
    assert.equal(segment!.text, ` ${expectedText}`, 'segment text with Whisper’s leading space');
    assert.equal(segment!.seek, 3000, 'seek in mel frames of the window');
    assert.equal(segment!.avg_logprob, -2, 'mean log probability');
    assert.equal(segment!.no_speech_prob, 0.2, 'unvoiced share');
    assert.equal(segment!.temperature, 0.2, 'temperature');
    assert.ok(segment!.compression_ratio > 0, 'compression ratio');
    assert.deepEqual(
      transcript.words.map((w) => [w.word, w.start, w.end]),
      [
        [words[0], 31, 31.5],
        [words[1], 31.5, 32],
        [words[2], 32, 32.5],
      ],
      'words spread over the segment',
    );
    assert.equal(transcript.language, 'fr', 'language');
  });
});

describe('encoder pass on the cpu device', () => {
  it('computes the same encoder output in fused and matmul offload (the matmul path re-sends weights but does the same math)', () => {
    const frames = 30;
    const mel = Float32Array.from({ length: 80 * frames }, (_, i) => Math.sin(i / 3) * 0.8);
    const weights = sharedWeights();
    const run = (offload: 'fused' | 'matmul') =>
      encoderTask(
        {
          mel,
          frames,
          bins: 80,
          weights,
          target: { device: 'cpu', offload, column: undefined, timing: DEFAULT_NPU_TIMING },
        },
        new StageRecorder('coarse'),
      );
    const fused = run('fused');
    const matmul = run('matmul');
    assert.equal(fused.positions, encoderPositions(frames), 'positions = frames / 2');
    assert.equal(fused.launches, 1, 'one fused launch');
    assert.equal(matmul.launches, 36, '36 matmul launches');
    let worst = 0;
    for (let i = 0; i < fused.output.length; i++)
      worst = Math.max(worst, Math.abs(fused.output[i]! - matmul.output[i]!));
    assert.ok(worst < 1e-3, `largest difference ${worst}`);
    assert.ok(fused.output.some((v) => v !== 0) && fused.output.every(Number.isFinite), 'a real, finite output');
  });

  it('refuses a mel spectrogram of the wrong shape', () => {
    const target = { device: 'cpu' as const, offload: 'fused' as const, column: undefined, timing: DEFAULT_NPU_TIMING };
    assert.throws(
      () =>
        encoderTask(
          { mel: new Float32Array(128 * 4), frames: 4, bins: 128, weights: sharedWeights(), target },
          new StageRecorder('coarse'),
        ),
      /80 mel bins/,
      'bins',
    );
  });
});

describe('30 s windows', () => {
  it('the encoder runs one pass per window and joins their outputs', () => {
    const frames = 3100;
    const mel = Float32Array.from({ length: 80 * frames }, (_, i) => Math.cos(i / 11));
    const rec = new StageRecorder('medium');
    const result = encoderTask(
      {
        mel,
        frames,
        bins: 80,
        weights: sharedWeights(),
        target: { device: 'npu-sim', offload: 'fused', column: 0, timing: DEFAULT_NPU_TIMING },
      },
      rec,
    );
    assert.equal(result.positions, 1550, 'positions over both windows');
    assert.equal(result.output.length, 1550 * 512, 'output rows');
    assert.equal(result.launches, 2, 'one fused launch per window');
    const transfers = rec.records.filter((r) => r.name === SPAN.NPU_BUFFER_TRANSFER);
    assert.deepEqual(
      transfers.map((r) => r.attributes![ATTR.NPU_BYTES]),
      [4 * 80 * 3000, 4 * 80 * 100],
      'each pass sends its own window of mel',
    );
  });

  it('the decoder attends and generates only for windows with speech', () => {
    const positions = 1550;
    const pcm = new Float32Array(16000 * 31);
    for (let i = 16000 * 30.1; i < 16000 * 30.9; i++) pcm[i] = 0.2 * Math.sin(i / 4);
    const encoder = Float32Array.from({ length: positions * 512 }, (_, i) => Math.sin(i / 13));
    const rec = new StageRecorder('medium');
    const result = decoderTask(
      {
        encoder,
        positions,
        pcm,
        language: undefined,
        prompt: undefined,
        temperature: 0,
        wordTimestamps: false,
        weights: sharedWeights(),
      },
      rec,
    );
    assert.deepEqual(
      rec.records.map((r) => r.name),
      [SPAN.DECODER_ATTENTION, SPAN.DECODER_TOKEN_GENERATION, SPAN.DECODER_POST_PROCESSING],
      'only the second window is decoded',
    );
    const [segment] = result.transcript.segments;
    assert.equal(segment!.seek, 3000, 'seek of the second window');
    assert.ok(segment!.start >= 30 && segment!.end <= 31, `segment at ${segment!.start}-${segment!.end}`);
    assert.equal(result.tokens, 2, '0.8 s voiced: 2 tokens');
  });

  it('silence passes through the decoder stages with nothing to do', () => {
    const rec = new StageRecorder('medium');
    const result = decoderTask(
      {
        encoder: new Float32Array(50 * 512),
        positions: 50,
        pcm: silence(1),
        language: undefined,
        prompt: undefined,
        temperature: 0,
        wordTimestamps: false,
        weights: sharedWeights(),
      },
      rec,
    );
    assert.deepEqual(
      rec.records.map((r) => r.name),
      [SPAN.DECODER_ATTENTION, SPAN.DECODER_TOKEN_GENERATION, SPAN.DECODER_POST_PROCESSING],
      'the same three stages',
    );
    assert.equal(rec.records[1]!.attributes![ATTR.DECODER_TOKENS], 0, 'no tokens');
    assert.equal(result.transcript.text, '', 'no text');
  });
});
