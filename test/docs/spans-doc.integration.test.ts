/**
 * Keeps docs/spans.md in step with the code: every span and attribute the real service emits, at
 * every detail level and offload mode, is named in the catalog.
 */

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { makeClip } from '../../src/audio/clips.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, startService, transcribe } from '../support/service.ts';

const CONFIGS = [
  ['coarse', 'fused'],
  ['medium', 'matmul'],
  ['fine', 'fused'],
  ['fine', 'matmul'],
] as const;

let receiver: Receiver;
let catalog: string;
before(async () => {
  receiver = await startReceiver();
  catalog = await readFile(new URL('../../docs/spans.md', import.meta.url), 'utf8');
});
after(() => receiver.close());

describe('docs/spans.md', () => {
  it('names every span and attribute the service emits', async () => {
    const wav = encodeWav(makeClip('1s'), 16000);
    for (const [detail, offload] of CONFIGS) {
      const service = await startService(['--detail', detail, '--offload', offload], {
        ...otlpEnv(receiver.url),
        OTEL_TRACES_EXPORTER: 'otlp',
      });
      try {
        const response = await transcribe(service.url, wav);
        await response.arrayBuffer();
        const traceId = /^00-([0-9a-f]{32})-/.exec(response.headers.get('traceresponse') ?? '')?.[1];
        assert.ok(traceId, 'traceresponse header');
        const spans = (
          await receiver.waitForSpans((all) => all.some((s) => s.traceId === traceId && s.kind === 2))
        ).filter((s) => s.traceId === traceId);
        for (const span of spans) {
          assert.ok(catalog.includes(`\`${span.name}\``), `span ${span.name} (${detail}/${offload}) is in the catalog`);
          for (const key of Object.keys(span.attributes))
            assert.ok(
              catalog.includes(`\`${key}\``),
              `attribute ${key} of ${span.name} (${detail}/${offload}) is in the catalog`,
            );
        }
      } finally {
        await service.stop();
      }
    }
  });

  it('describes every span name constant', () => {
    for (const name of Object.values(SPAN))
      assert.ok(catalog.includes(`\`${name}\``), `${name} from names.ts is in the catalog`);
  });
});
