import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryKeysOnly, REDACTED, redactArgs, redactUrl } from '../../src/telemetry/redact.ts';
import { redactingProcessDetector, resourceDetectors } from '../../src/telemetry/resource-detectors.ts';

describe('queryKeysOnly', () => {
  it('keeps the parameter names and drops every value', () => {
    assert.equal(queryKeysOnly('a=1&api_key=sk-x&flag'), 'a&api_key&flag', 'names only, in order');
    assert.equal(queryKeysOnly('?token=abc'), 'token', 'a leading ? is accepted');
    assert.equal(queryKeysOnly(''), '', 'no query gives an empty string');
  });
});

describe('redactUrl', () => {
  it('drops user info and query values but keeps the rest of the URL', () => {
    assert.equal(
      redactUrl('http://user:pw@127.0.0.1:8080/v1/x?api_key=sk-1&a=2'),
      `http://${REDACTED}:${REDACTED}@127.0.0.1:8080/v1/x?api_key&a`,
      'credentials gone',
    );
    assert.equal(
      redactUrl('http://127.0.0.1:8080/v1/audio/transcriptions'),
      'http://127.0.0.1:8080/v1/audio/transcriptions',
      'a plain URL is unchanged',
    );
  });

  it('redacts a string that is not a URL whole, since nothing says which part is safe', () => {
    assert.equal(redactUrl('not a url sk-123'), REDACTED, 'unparseable input is redacted');
  });
});

describe('redactArgs', () => {
  it('replaces the values of credential options, separate or after =', () => {
    const args = [
      'node',
      'amanuensis.js',
      'serve',
      '--api-key',
      'sk-1',
      '--token=abc',
      '--header',
      'Authorization: Bearer q',
      '--port',
      '8080',
    ];
    assert.deepEqual(
      redactArgs(args),
      [
        'node',
        'amanuensis.js',
        'serve',
        '--api-key',
        REDACTED,
        `--token=${REDACTED}`,
        '--header',
        REDACTED,
        '--port',
        '8080',
      ],
      'only the secret values change',
    );
  });

  it('replaces values that look like credentials whatever carries them, and redacts URLs', () => {
    assert.deepEqual(
      redactArgs(['sk-abc', 'Bearer x', 'authorization: y', 'http://u:p@h/?k=v', 'fine']),
      [REDACTED, REDACTED, REDACTED, `http://${REDACTED}:${REDACTED}@h/?k`, 'fine'],
      'each one redacted',
    );
  });
});

describe('resource detectors', () => {
  it('detects the process without the credentials on its command line', () => {
    const saved = process.argv;
    process.argv = [saved[0]!, 'amanuensis.js', 'serve', '--api-key', 'sk-planted'];
    try {
      const attributes = redactingProcessDetector.detect().attributes ?? {};
      const args = attributes['process.command_args'];
      assert.ok(Array.isArray(args), 'command args are still described');
      assert.ok(!JSON.stringify(attributes).includes('sk-planted'), 'the key is in no attribute');
      assert.ok((args as string[]).includes('--api-key'), 'the option name stays, so the command line still reads');
    } finally {
      process.argv = saved;
    }
  });

  it('honours OTEL_NODE_RESOURCE_DETECTORS as the SDK does, with the redacting process detector', () => {
    assert.equal(resourceDetectors({}).length, 5, 'all by default');
    assert.deepEqual(resourceDetectors({ OTEL_NODE_RESOURCE_DETECTORS: 'none' }), [], 'none');
    assert.deepEqual(
      resourceDetectors({ OTEL_NODE_RESOURCE_DETECTORS: 'env,process' }).at(-1),
      redactingProcessDetector,
      'process is ours',
    );
  });
});
