/**
 * What every export says about its source: `service.version` from package.json (which
 * OTEL_RESOURCE_ATTRIBUTES may override) and the instrumentation scope's version, read from the
 * OTLP/JSON the service really sent.
 */

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { clipWav, startRawSink } from '../reliability/helpers.ts';
import { otlpEnv, startService, transcribe } from '../support/service.ts';

interface KeyValue {
  key: string;
  value: { stringValue?: string };
}
interface Export {
  resourceSpans: Array<{
    resource: { attributes: KeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version?: string } }>;
  }>;
}

const version = (
  JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The resource attributes and scopes of everything the service exported for one request. */
async function exported(
  env: Record<string, string>,
): Promise<{ attributes: Map<string, string | undefined>; scopes: Array<{ name: string; version?: string }> }> {
  const sink = await startRawSink();
  const service = await startService([], {
    ...otlpEnv(sink.url, 'http/json'),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
    ...env,
  });
  try {
    const response = await transcribe(service.url, clipWav('1s'));
    await response.arrayBuffer();
    assert.equal(await service.stop(), 0, 'clean exit flushes the spans');
    const exports = sink.bodies.map((body) => JSON.parse(body.toString('utf8')) as Export);
    const resourceSpans = exports.flatMap((e) => e.resourceSpans);
    assert.ok(resourceSpans.length > 0, 'something was exported');
    return {
      attributes: new Map(resourceSpans[0]!.resource.attributes.map((kv) => [kv.key, kv.value.stringValue])),
      scopes: resourceSpans.flatMap((r) => r.scopeSpans.map((s) => s.scope)),
    };
  } finally {
    await service.stop();
    await sink.close();
  }
}

describe('the exported resource', () => {
  it(`carries service.version ${version} from package.json, and the stage tracer's scope carries it too`, async () => {
    const { attributes, scopes } = await exported({});
    assert.equal(attributes.get('service.version'), version, 'service.version');
    assert.equal(attributes.get('service.name'), 'amanuensis', 'service.name');
    const ours = scopes.find((scope) => scope.name === 'amanuensis-otel');
    assert.equal(ours?.version, version, `the stage tracer's scope has the version (${JSON.stringify(scopes)})`);
  });

  it('lets OTEL_RESOURCE_ATTRIBUTES override it', async () => {
    const { attributes } = await exported({
      OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9,deployment.environment.name=test',
    });
    assert.equal(attributes.get('service.version'), '9.9.9', 'the environment wins');
    assert.equal(attributes.get('deployment.environment.name'), 'test', 'other attributes arrive too');
  });
});
