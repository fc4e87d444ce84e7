import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TranscribeRequest, Transcript } from '../../src/engine/engine.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { installTestTracing } from '../support/tracing.ts';
import { silence, speechLike } from './audio.ts';
import { useReferenceEngine } from './reference-engine.ts';
import { childrenOf, descendantsOf, withRoot } from './span-tree.ts';

const tracing = installTestTracing({ detail: 'medium' });
const engine = useReferenceEngine();
after(() => tracing.shutdown());

function request(pcm: Float32Array, options: Partial<TranscribeRequest> = {}): TranscribeRequest {
  return {
    pcm,
    durationS: pcm.length / 16000,
    language: undefined,
    prompt: undefined,
    temperature: 0,
    wordTimestamps: false,
    ...options,
  };
}

const transcribe = (r: TranscribeRequest) => engine().transcribe(r, new AbortController().signal);

describe('reference engine', () => {
  it('names itself and its device', () => {
    assert.equal(engine().name, 'reference', 'name');
    assert.equal(engine().model, 'reference-synthetic', 'model says the text is synthetic');
    const facts = engine().describe();
    assert.equal(facts.device, 'npu-sim', 'device');
    assert.equal(facts.offload, 'fused', 'offload');
    assert.equal(facts.columns, 8, 'columns');
  });

  it('is deterministic: the same audio gives the same transcript', async () => {
    const first = await transcribe(request(speechLike(1, 3)));
    const second = await transcribe(request(speechLike(1, 3)));
    assert.deepEqual(second.transcript, first.transcript, 'identical transcripts');
    assert.ok(first.transcript.text.length > 0, 'non-empty text');
  });

  it('produces about 2.5 tokens per voiced second, in segments within the audio', async () => {
    const { transcript } = await transcribe(request(speechLike(3, 5)));
    const tokens = transcript.segments.reduce((sum, segment) => sum + segment.tokens.length, 0);
    // speechLike voices 0.9 s of every 1.5 s: 1.8 s voiced in 3 s.
    assert.ok(tokens >= 3 && tokens <= 7, `tokens ${tokens}`);
    assert.ok(transcript.segments.length >= 2, `segments ${transcript.segments.length}`);
    let previousEnd = 0;
    for (const segment of transcript.segments) {
      assert.ok(
        segment.start >= previousEnd && segment.end > segment.start && segment.end <= 3,
        `segment ${segment.id} at ${segment.start}-${segment.end}`,
      );
      assert.ok(segment.avg_logprob < 0, 'log probabilities are negative');
      assert.ok(segment.no_speech_prob >= 0 && segment.no_speech_prob <= 1, 'no_speech_prob is a probability');
      previousEnd = segment.end;
    }
    assert.equal(
      transcript.text,
      transcript.segments
        .map((s) => s.text)
        .join('')
        .trim(),
      'text is the segments joined',
    );
    assert.deepEqual(transcript.words, [], 'no words unless asked');
  });

  it('gives silence no text', async () => {
    const { transcript } = await transcribe(request(silence(1)));
    assert.equal(transcript.text, '', 'empty text');
    assert.deepEqual(transcript.segments, [], 'no segments');
  });

  it('returns word timings when asked, one per token, inside their segment', async () => {
    const { transcript } = await transcribe(request(speechLike(1.2, 2), { wordTimestamps: true }));
    const tokens = transcript.segments.flatMap((s) => s.tokens);
    assert.equal(transcript.words.length, tokens.length, 'one word per token');
    const segment = transcript.segments[0]!;
    for (const word of transcript.words.slice(0, segment.tokens.length)) {
      assert.ok(
        word.start >= segment.start && word.end <= segment.end + 1e-9 && word.end > word.start,
        `word ${word.word} ${word.start}-${word.end}`,
      );
      assert.match(word.word, /^[a-z]+$/, 'bare word, no punctuation');
    }
  });

  it('honours the language hint and lets the prompt condition the text', async () => {
    const pcm = speechLike(1, 4);
    const plain = await transcribe(request(pcm));
    const german = await transcribe(request(pcm, { language: 'de' }));
    const prompted = await transcribe(request(pcm, { prompt: 'the quarterly budget meeting' }));
    assert.equal(plain.transcript.language, 'en', 'default language');
    assert.equal(german.transcript.language, 'de', 'hinted language');
    assert.notEqual(
      prompted.transcript.text,
      plain.transcript.text,
      'a prompt changes the decoder input, hence the text',
    );
  });

  it('keeps 8 simultaneous transcriptions apart: each gets its own result and its own spans', async () => {
    const clips = Array.from({ length: 8 }, (_, i) => speechLike(0.4 + 0.05 * i, 10 + i));
    const sequential: Transcript[] = [];
    for (const pcm of clips) sequential.push((await transcribe(request(pcm))).transcript);
    tracing.reset();
    const concurrent = await Promise.all(
      clips.map((pcm, i) => withRoot(tracing.exporter, `${SPAN.TRANSCRIBE}-${i}`, () => transcribe(request(pcm)))),
    );
    const spans = tracing.spans();
    concurrent.forEach(({ result, root }, i) => {
      assert.deepEqual(result.transcript, sequential[i], `request ${i} got its own transcript`);
      assert.deepEqual(
        childrenOf(spans, root).map((s) => s.name),
        [SPAN.MEL, SPAN.ENCODER, SPAN.DECODER],
        `request ${i}: its own three stages`,
      );
      const below = descendantsOf(spans, root);
      assert.equal(below.filter((s) => s.name === SPAN.MEL_FFT).length, 1, `request ${i}: one mel.fft`);
      assert.equal(
        below.filter((s) => s.name === SPAN.NPU_KERNEL_EXECUTION).length,
        1,
        `request ${i}: one kernel execution`,
      );
      assert.equal(
        below.filter((s) => s.name === SPAN.DECODER_TOKEN_GENERATION).length,
        1,
        `request ${i}: one token generation`,
      );
      for (const span of below)
        assert.equal(span.spanContext().traceId, root.spanContext().traceId, `request ${i}: ${span.name} in its trace`);
    });
    const transcriptsWithText = new Set(concurrent.map(({ result }) => result.transcript.text));
    assert.ok(transcriptsWithText.size > 1, 'different audio, different text');
  });

  it('stops when the request is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client gone'));
    await assert.rejects(engine().transcribe(request(speechLike(1)), controller.signal), 'rejected');
  });
});
