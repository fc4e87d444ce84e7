/**
 * `amanuensis serve --engine pocketsphinx` as users run it: real transcripts over HTTP, eight
 * simultaneous requests each answered with its own sentence, the engine's spans in the exported
 * trace, and a start-up failure that names the setup command when the model is missing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SETUP_COMMAND } from '../../src/engine/pocketsphinx/setup.ts';
import { type ReceivedSpan, type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, type RunningService, startService, transcribe } from '../support/service.ts';
import { CLEAR_SENTENCES, ensureAddon, skipReason, speech } from './fixtures.ts';

/** The engine's part of the contract tree: span -> parent. */
const TREE: Record<string, string> = {
  transcribe: 'POST /v1/audio/transcriptions',
  'audio.decode': 'transcribe',
  frontend: 'transcribe',
  decoder: 'transcribe',
  'decoder.search': 'decoder',
  'decoder.post_processing': 'decoder',
};

describe('serve --engine pocketsphinx', { skip: skipReason() }, () => {
  let receiver: Receiver;
  let service: RunningService;

  before(async () => {
    await ensureAddon();
    receiver = await startReceiver();
    service = await startService(['--engine', 'pocketsphinx'], {
      ...otlpEnv(receiver.url),
      OTEL_TRACES_EXPORTER: 'otlp',
    });
  });
  after(async () => {
    await service?.stop();
    await receiver?.close();
  });

  it('answers 8 simultaneous requests, each with its own sentence', async () => {
    const fixtures = await Promise.all(CLEAR_SENTENCES.map(speech));
    const responses = await Promise.all(
      fixtures.map((f) => transcribe(service.url, f.wav, { response_format: 'json' })),
    );
    for (const [i, response] of responses.entries()) {
      assert.equal(response.status, 200, `request ${i} answered`);
      const body = (await response.json()) as { text: string };
      assert.equal(body.text, fixtures[i]!.text, `request ${i} got its own sentence`);
    }
  });

  it('verbose_json carries segments, word timestamps and the stage timing; the trace has the engine stages', async () => {
    const fixture = await speech(CLEAR_SENTENCES[3]);
    const response = await transcribe(service.url, fixture.wav, {
      response_format: 'verbose_json',
      'timestamp_granularities[]': ['word', 'segment'],
    });
    assert.equal(response.status, 200, 'answered');
    const body = (await response.json()) as {
      text: string;
      language: string;
      model: string;
      segments: Array<{ start: number; end: number; text: string }>;
      words: Array<{ word: string; start: number; end: number }>;
      timing: Record<string, number>;
    };
    assert.equal(body.text, fixture.text, 'real transcript');
    assert.equal(body.language, 'en', 'English');
    assert.equal(body.model, 'pocketsphinx-en-us', 'model name');
    assert.deepEqual(
      body.words.map((w) => w.word),
      fixture.text.split(' '),
      'a timestamp per word',
    );
    assert.ok(
      body.segments.length >= 1 && body.segments[0]!.end <= fixture.durationS + 0.01,
      'segments within the audio',
    );
    for (const key of ['mel_ms', 'encoder_ms', 'decoder_ms'])
      assert.equal(typeof body.timing[key], 'number', `timing.${key}`);
    const traceId = /^00-([0-9a-f]{32})-/.exec(response.headers.get('traceresponse') ?? '')?.[1];
    assert.ok(traceId, 'traceresponse header');
    const spans = await receiver.waitForSpans(
      (all) => all.some((s) => s.traceId === traceId && s.name === 'decoder.post_processing'),
      20_000,
    );
    const inTrace = spans.filter((s: ReceivedSpan) => s.traceId === traceId);
    const byId = new Map(inTrace.map((s) => [s.spanId, s]));
    for (const [name, parent] of Object.entries(TREE)) {
      const span = inTrace.find((s) => s.name === name);
      assert.ok(span, `${name} in the trace; got ${inTrace.map((s) => s.name).join(', ')}`);
      assert.equal(byId.get(span.parentSpanId)?.name, parent, `${name} nests under ${parent}`);
    }
  });
});

describe('serve --engine pocketsphinx without the model', () => {
  it('exits non-zero at start with a message naming the setup command', async () => {
    await assert.rejects(
      startService(['--engine', 'pocketsphinx'], {
        AMANUENSIS_POCKETSPHINX_MODEL_DIR: '/nonexistent/pocketsphinx-model',
      }),
      (error: Error) => /exited (?:with )?\(?[1-9]/.test(error.message) && error.message.includes(SETUP_COMMAND),
      'names the setup command',
    );
  });
});
