import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CodedError } from '../../src/core/errors.ts';
import type { Engine, EngineResult, TranscribeRequest } from '../../src/engine/engine.ts';
import { createPocketSphinxEngine } from '../../src/engine/pocketsphinx/engine.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';
import { ATTR, type Detail, SPAN } from '../../src/telemetry/names.ts';
import { configureStages } from '../../src/telemetry/stage.ts';
import { installTestTracing, parentOf } from '../support/tracing.ts';
import {
  CLEAR_SENTENCES,
  continuousTranscript,
  ensureAddon,
  HARD_SENTENCES,
  type SpeechFixture,
  skipReason,
  speech,
  withPauses,
  wordErrors,
} from './fixtures.ts';

function request(pcm: Float32Array, overrides: Partial<TranscribeRequest> = {}): TranscribeRequest {
  return {
    pcm,
    durationS: pcm.length / 16000,
    language: undefined,
    prompt: undefined,
    temperature: 0,
    wordTimestamps: false,
    ...overrides,
  };
}

const never = new AbortController().signal;

const ms = (time: [number, number]): number => time[0] * 1e3 + time[1] / 1e6;

describe('pocketsphinx engine', { skip: skipReason() }, () => {
  const tracing = installTestTracing({ detail: 'medium' });
  let pool: WorkerPool;
  let engine: Engine;

  before(async () => {
    await ensureAddon();
    pool = createWorkerPool({ threads: 2 });
    engine = await createPocketSphinxEngine({ pool, device: 'cpu', offload: 'fused' });
  });
  after(async () => {
    await engine?.close();
    await pool?.close();
    await tracing.shutdown();
  });

  /** One transcription inside a root span standing in for the service's `transcribe`. */
  async function traced(
    detail: Detail,
    pcm: Float32Array,
  ): Promise<{ result: EngineResult; root: ReadableSpan; spans: ReadableSpan[] }> {
    configureStages({ detail, enabled: true });
    tracing.reset();
    let rootId = '';
    const result = await trace.getTracer('test').startActiveSpan(SPAN.TRANSCRIBE, async (span) => {
      rootId = span.spanContext().spanId;
      try {
        return await engine.transcribe(request(pcm), never);
      } finally {
        span.end();
      }
    });
    const spans = tracing.spans().sort((a, b) => ms(a.startTime) - ms(b.startTime));
    return { result, root: spans.find((span) => span.spanContext().spanId === rootId)!, spans };
  }

  it('word error rate on real speech is no worse than pocketsphinx_continuous on the same audio', async () => {
    const fixtures = await Promise.all([...CLEAR_SENTENCES, ...HARD_SENTENCES].map(speech));
    const ours = await Promise.all(
      fixtures.map(async (f) => (await engine.transcribe(request(f.pcm), never)).transcript.text),
    );
    const baseline: string[] = [];
    for (let i = 0; i < fixtures.length; i += 2)
      baseline.push(...(await Promise.all(fixtures.slice(i, i + 2).map((f) => continuousTranscript(f.wav)))));
    const total = (hyps: string[]) => fixtures.reduce((sum, f, i) => sum + wordErrors(f.text, hyps[i]!).errors, 0);
    const words = fixtures.reduce((sum, f) => sum + wordErrors(f.text, '').words, 0);
    const listing = fixtures.map((f, i) => `  ${f.text} | ours: ${ours[i]} | cli: ${baseline[i]}`).join('\n');
    assert.ok(total(baseline) > 0, 'the comparison includes audio the baseline gets wrong');
    assert.ok(
      total(ours) <= total(baseline),
      `our WER ${(total(ours) / words).toFixed(3)} must not exceed the CLI's ${(total(baseline) / words).toFixed(3)}\n${listing}`,
    );
  });

  it('runs as many requests at once as it has recognisers, queues the rest, and answers each with its own text', async () => {
    const fixtures = await Promise.all(CLEAR_SENTENCES.map(speech));
    const recognizers = Number(engine.describe().recognizers);
    const pending = fixtures.map((f) => engine.transcribe(request(f.pcm), never));
    assert.equal(engine.describe().busy_recognizers, recognizers, 'every recogniser is busy');
    assert.equal(engine.describe().queued_requests, fixtures.length - recognizers, 'the others wait');
    const results = await Promise.all(pending);
    results.forEach((result, i) => {
      assert.equal(result.transcript.text, fixtures[i]!.text, `request ${i} answered with its own sentence`);
    });
    assert.equal(engine.describe().queued_requests, 0, 'queue drained');
  });

  it('medium: frontend, then decoder with decoder.search and decoder.post_processing, under the caller span', async () => {
    const { result, root, spans } = await traced('medium', (await speech(CLEAR_SENTENCES[0])).pcm);
    const children = spans.filter((span) => parentOf(span) === root.spanContext().spanId).map((span) => span.name);
    assert.deepEqual(children, [SPAN.FRONTEND, SPAN.DECODER], 'front end and decoder under transcribe');
    const frontend = spans.find((span) => span.name === SPAN.FRONTEND)!;
    const decoder = spans.find((span) => span.name === SPAN.DECODER)!;
    const below = spans.filter((span) => parentOf(span) === decoder.spanContext().spanId).map((span) => span.name);
    assert.deepEqual(
      below,
      [SPAN.DECODER_SEARCH, SPAN.DECODER_POST_PROCESSING],
      'search and post-processing under decoder',
    );
    assert.ok((frontend.attributes[ATTR.MEL_FRAMES]! as number) > 100, 'about 100 feature frames per second of audio');
    assert.equal(decoder.attributes[ATTR.DECODER_TOKENS], 5, 'five words recognised');
    assert.equal(decoder.attributes[ATTR.DECODER_SEGMENTS], 1, 'one segment');
    assert.ok(ms(frontend.endTime) <= ms(decoder.startTime) + 0.01, 'search starts after the front end ends');
    const search = spans.find((span) => span.name === SPAN.DECODER_SEARCH)!;
    const post = spans.find((span) => span.name === SPAN.DECODER_POST_PROCESSING)!;
    assert.ok(
      ms(search.endTime) <= ms(post.startTime) + 0.01 && ms(post.endTime) <= ms(decoder.endTime) + 0.01,
      'post-processing follows the search inside decoder',
    );
    for (const key of ['queue_ms', 'mel_ms', 'encoder_ms', 'decoder_ms'])
      assert.ok(result.timing[key]! >= 0, `timing has ${key}`);
    assert.equal(result.timing.encoder_ms, 0, 'no separate encoder stage');
  });

  it('coarse: only frontend and decoder', async () => {
    const { root, spans } = await traced('coarse', (await speech(CLEAR_SENTENCES[1])).pcm);
    assert.deepEqual(
      spans
        .filter((span) => span !== root)
        .map((span) => span.name)
        .sort(),
      [SPAN.DECODER, SPAN.FRONTEND],
      'no finer spans',
    );
  });

  it('splits segments at pauses and times words on the audio timeline', async () => {
    const parts: SpeechFixture[] = await Promise.all(
      [CLEAR_SENTENCES[0], CLEAR_SENTENCES[6], CLEAR_SENTENCES[7]].map(speech),
    );
    const pcm = withPauses(
      parts.map((part) => part.pcm),
      1,
    );
    const { transcript } = await engine.transcribe(request(pcm, { wordTimestamps: true }), never);
    assert.equal(
      transcript.segments.length,
      parts.length,
      `one segment per sentence: ${transcript.segments.map((s) => s.text).join(' |')}`,
    );
    transcript.segments.forEach((segment, i) => {
      const { errors, words } = wordErrors(parts[i]!.text, segment.text);
      assert.ok(errors / words <= 0.25, `segment ${i} is sentence ${i}: "${segment.text.trim()}"`);
    });
    assert.equal(
      transcript.text,
      transcript.segments.map((segment) => segment.text.trim()).join(' '),
      'text is the segments joined',
    );
    assert.equal(transcript.words.length, transcript.text.split(' ').length, 'one timestamp per word');
    let previousEnd = 0;
    for (const word of transcript.words) {
      assert.match(word.word, /^[a-z']+$/, `a plain word, not a filler or alternate pronunciation: ${word.word}`);
      assert.ok(word.start >= previousEnd && word.end > word.start, `${word.word} follows the previous word`);
      previousEnd = word.end;
    }
    assert.ok(previousEnd <= pcm.length / 16000, 'words end within the audio');
    const secondStart = parts[0]!.durationS + 1;
    assert.ok(
      Math.abs(transcript.segments[1]!.start - secondStart) < 0.5,
      `second sentence starts near ${secondStart.toFixed(2)} s, got ${transcript.segments[1]!.start}`,
    );
  });

  it('leaves words out unless word timestamps are asked for', async () => {
    const { transcript } = await engine.transcribe(request((await speech(CLEAR_SENTENCES[2])).pcm), never);
    assert.equal(transcript.words.length, 0, 'no words');
    assert.equal(transcript.segments.length, 1, 'segments still there');
  });

  it('transcribes silence as nothing', async () => {
    const { transcript } = await engine.transcribe(request(new Float32Array(16000)), never);
    assert.equal(transcript.text, '', 'empty text');
    assert.equal(transcript.segments.length, 0, 'no segments');
  });

  it('rejects a language other than English with a 400', async () => {
    await assert.rejects(
      engine.transcribe(request(new Float32Array(1600), { language: 'fr' }), never),
      (error: unknown) =>
        error instanceof CodedError && toErrorEnvelope(error).status === 400 && error.code === 'unsupported_language',
      'unsupported_language',
    );
  });

  it('an aborted queued request rejects with its reason and the engine keeps serving', async () => {
    const { pcm, text } = await speech(CLEAR_SENTENCES[5]);
    const recognizers = Number(engine.describe().recognizers);
    const running = Array.from({ length: recognizers }, () => engine.transcribe(request(pcm), never));
    const controller = new AbortController();
    const queued = engine.transcribe(request(pcm), controller.signal);
    const reason = new Error('client went away');
    controller.abort(reason);
    await assert.rejects(queued, (error: unknown) => error === reason, 'rejects with the abort reason');
    assert.equal(engine.describe().queued_requests, 0, 'left the queue');
    for (const result of await Promise.all(running))
      assert.equal(result.transcript.text, text, 'running requests finish');
    assert.equal((await engine.transcribe(request(pcm), never)).transcript.text, text, 'still serving');
  });
});
