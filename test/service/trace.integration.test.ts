/**
 * One request, one trace: the service exports the contract's full span tree over OTLP/HTTP to a
 * receiver in another process, in protobuf and in JSON, and its headers point at that trace.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ReceivedSpan, type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, type RunningService, startService, transcribe } from '../support/service.ts';
import { speechWav } from '../support/speech.ts';

const SERVER_KIND = 2;
const TREE: Record<string, string> = {
  transcribe: 'POST /v1/audio/transcriptions',
  'audio.decode': 'transcribe',
  mel: 'transcribe',
  'mel.fft': 'mel',
  'mel.log_mel': 'mel',
  'mel.normalize': 'mel',
  encoder: 'transcribe',
  'npu.queue_wait': 'encoder',
  'npu.buffer_transfer': 'encoder',
  'npu.kernel_execution': 'encoder',
  'npu.result_retrieval': 'encoder',
  decoder: 'transcribe',
  'decoder.attention': 'decoder',
  'decoder.token_generation': 'decoder',
  'decoder.post_processing': 'decoder',
};

function assertTree(spans: ReceivedSpan[], traceId: string): void {
  const inTrace = spans.filter((s) => s.traceId === traceId);
  const byId = new Map(inTrace.map((s) => [s.spanId, s]));
  const server = inTrace.find((s) => s.name === 'POST /v1/audio/transcriptions');
  assert.ok(server, `SERVER span named by route; got ${inTrace.map((s) => s.name).join(', ')}`);
  assert.equal(server.kind, SERVER_KIND, 'SERVER kind');
  assert.equal(server.attributes['http.route'], '/v1/audio/transcriptions', 'http.route set');
  for (const [name, parentName] of Object.entries(TREE)) {
    const matches = inTrace.filter((s) => s.name === name);
    assert.ok(matches.length >= 1, `span ${name} present in the trace`);
    for (const span of matches) {
      assert.equal(byId.get(span.parentSpanId)?.name, parentName, `${name} nests under ${parentName}`);
      assert.ok(span.endNs >= span.startNs, `${name} ends after it starts`);
    }
  }
  const decode = inTrace.find((s) => s.name === 'audio.decode')!;
  assert.equal(typeof decode.attributes['amanuensis.audio.duration_s'], 'number', 'audio duration attribute');
  for (const span of inTrace) {
    for (const value of Object.values(span.attributes))
      assert.ok(!String(value).includes('speech.wav'), `no file name in ${span.name}`);
  }
}

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`service trace over ${protocol}`, () => {
    let receiver: Receiver;
    let service: RunningService;
    before(async () => {
      receiver = await startReceiver();
      service = await startService([], { ...otlpEnv(receiver.url, protocol), OTEL_TRACES_EXPORTER: 'otlp' });
    });
    after(async () => {
      await service.stop();
      await receiver.close();
    });

    it('answers real speech with one trace holding the full span tree', async () => {
      const wav = await speechWav('the quick brown fox jumps over the lazy dog', { sampleRateHz: 22050 });
      const response = await transcribe(service.url, wav, { response_format: 'verbose_json' });
      assert.equal(response.status, 200, `status 200: ${response.status}`);
      const body = (await response.json()) as {
        text: string;
        duration: number;
        timing: Record<string, number>;
        model: string;
      };
      assert.equal(typeof body.text, 'string', 'text');
      assert.ok(body.duration > 1, `duration of the speech (${body.duration})`);
      for (const key of ['total_ms', 'mel_ms', 'encoder_ms', 'decoder_ms'])
        assert.equal(typeof body.timing[key], 'number', `timing.${key}`);
      assert.equal(body.model, 'reference-synthetic', 'the response says the text is synthetic');
      assert.match(
        response.headers.get('server-timing') ?? '',
        /mel;dur=[\d.]+.*encoder;dur=.*decoder;dur=/,
        'Server-Timing header',
      );
      const traceresponse = response.headers.get('traceresponse') ?? '';
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceresponse);
      assert.ok(match, `traceresponse header: ${traceresponse}`);
      const traceId = match[1]!;
      const spans = await receiver.waitForSpans((all) =>
        all.some((s) => s.traceId === traceId && s.kind === SERVER_KIND),
      );
      assertTree(spans, traceId);
      const server = spans.find((s) => s.traceId === traceId && s.kind === SERVER_KIND)!;
      assert.equal(server.spanId, match[2], 'traceresponse names the SERVER span');
      assert.equal(server.serviceName, 'amanuensis', 'service.name resource attribute');
      const counts = await receiver.counts();
      assert.ok(protocol === 'http/json' ? counts.json > 0 : counts.protobuf > 0, `exports arrived as ${protocol}`);
    });
  });
}
