/**
 * The rollups in the running service: `amanuensis serve --summary-out F --summary-interval 1`
 * answers 24 concurrent requests; GET /v1/span-summary and F agree; after SIGTERM, F counts
 * exactly the requests served; the exemplars' traces reached the OTLP receiver.
 */

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { parseSummary } from '../../src/rollup/validate.ts';
import { type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, type RunningService, startService, transcribe } from '../support/service.ts';
import { speechWav } from '../support/speech.ts';
import { waitUntil } from '../support/wait.ts';

const REQUESTS = 24;
const SERVER_SPAN = 'POST /v1/audio/transcriptions';

async function readSummary(path: string): Promise<SpanSummaryDocument | undefined> {
  try {
    return parseSummary(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function count(document: SpanSummaryDocument | undefined, name: string): number {
  return document?.spans.find((entry) => entry.name === name)?.count ?? 0;
}

/** Everything but the generation time and window end, which differ between two reads. */
function comparable(document: SpanSummaryDocument): unknown {
  return {
    spans: document.spans,
    paths: document.paths,
    warmup: document.warmup_spans_skipped,
    overflow: document.overflow,
    start: document.window.start,
  };
}

describe('service span rollups', () => {
  let receiver: Receiver;
  let service: RunningService;
  let folder: string;
  let file: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'service-rollup-'));
    file = join(folder, 'span-summary.json');
    receiver = await startReceiver();
    service = await startService(['--summary-out', file, '--summary-interval', '1'], {
      ...otlpEnv(receiver.url),
      OTEL_TRACES_EXPORTER: 'otlp',
    });
  });
  after(async () => {
    await service.stop();
    await receiver.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('rolls up 24 concurrent requests: live and file agree, SIGTERM leaves the exact count, exemplars were exported', {
    timeout: 120_000,
  }, async () => {
    const wav = await speechWav('rollups count every request', { sampleRateHz: 16000 });
    const responses = await Promise.all(Array.from({ length: REQUESTS }, () => transcribe(service.url, wav)));
    const statuses = responses.map((response) => response.status);
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    const served = statuses.filter((status) => status === 200).length;
    assert.equal(served, REQUESTS, `every request served (statuses ${statuses.join(',')})`);
    const traceIds = new Set(
      responses.map((response) => /^00-([0-9a-f]{32})-/.exec(response.headers.get('traceresponse') ?? '')?.[1]),
    );

    // The file is rewritten every second and announces nothing, so it is polled.
    const fromFile = await waitUntil(`the summary file to count all ${served} requests`, () => readSummary(file), {
      intervalMs: 100,
      until: (document): document is SpanSummaryDocument => count(document, SERVER_SPAN) === served,
    });
    const liveResponse = await fetch(`${service.url}/v1/span-summary`);
    assert.equal(liveResponse.status, 200, 'GET /v1/span-summary answers');
    const live = parseSummary(await liveResponse.text());
    assert.deepEqual(
      comparable(live),
      comparable(fromFile),
      'the file and the live document agree once no spans are in flight',
    );
    assert.equal(count(live, 'transcribe'), served, 'one transcribe span per request');
    assert.equal(live.internal_errors, 0, 'no internal errors');
    for (const name of ['audio.decode', 'mel', 'encoder', 'decoder'])
      assert.equal(count(live, name), served, `${name} once per request`);
    const kernelPath = live.paths.find((path) => path.path === 'transcribe/encoder/npu.kernel_execution');
    assert.ok(kernelPath && kernelPath.count >= served, 'kernel executions rolled up on their path');

    const code = await service.stop();
    assert.equal(code, 0, 'the service exits 0 on SIGTERM');
    const final = await readSummary(file);
    assert.equal(count(final, SERVER_SPAN), served, 'after SIGTERM the file counts exactly the requests served');
    assert.equal(count(final, 'transcribe'), served, 'and exactly one transcribe per request');

    const exemplars = final!.spans.find((entry) => entry.name === 'transcribe')!.exemplars;
    assert.equal(exemplars.length, 5, 'five exemplars');
    for (const exemplar of exemplars)
      assert.ok(traceIds.has(exemplar.trace_id), `exemplar ${exemplar.trace_id} is one of the requests' traces`);
    const wanted = new Set(exemplars.map((exemplar) => exemplar.trace_id));
    const spans = await receiver.waitForSpans(
      (all) => [...wanted].every((id) => all.some((span) => span.traceId === id && span.name === 'transcribe')),
      15_000,
    );
    for (const exemplar of exemplars) {
      const span = spans.find((s) => s.spanId === exemplar.span_id);
      assert.ok(span, `exemplar span ${exemplar.span_id} reached the OTLP receiver`);
      assert.equal(span.traceId, exemplar.trace_id, 'in its trace');
      assert.ok(
        Math.abs(Number(span.endNs - span.startNs) / 1e6 - exemplar.duration_ms) < 0.01,
        'with the duration the rollup saw',
      );
    }
  });
});
