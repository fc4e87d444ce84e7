import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/command-errors.ts';
import { parseAudio, parseLoadOptions, type RawLoadOptions } from '../../src/loadgen/options.ts';

const url = 'http://127.0.0.1:8080';

function usage(raw: RawLoadOptions, pattern: RegExp): void {
  assert.throws(
    () => parseLoadOptions(raw),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
      assert.match(error.message, pattern, 'the message names the problem');
      assert.ok(!error.message.includes('\n'), 'the message is one line');
      return true;
    },
  );
}

describe('parseLoadOptions', () => {
  it('defaults to 4 streams of 1 s audio, 8 requests per stream, one warm-up per stream, 60 s timeout', () => {
    const options = parseLoadOptions({ url: `${url}/` });
    assert.equal(options.url, url, 'trailing slash dropped');
    assert.equal(options.timeoutMs, 60_000, 'default timeout');
    assert.equal(options.trace, true, 'client spans on by default');
    assert.deepEqual(
      options.scenarios,
      [
        {
          name: '4x32 1s',
          model: 'closed',
          streams: 4,
          audio: { kind: 'builtin', name: '1s' },
          requests: 32,
          warmup: 4,
        },
      ],
      'one default scenario',
    );
  });

  it('runs every stream count and built-in clip in turn, user files together as one scenario', () => {
    const options = parseLoadOptions({ url, streams: '4,8', audio: ['1s,5s', 'a.wav', 'b.wav'], requests: '16' });
    assert.deepEqual(
      options.scenarios.map((s) => s.name),
      ['4x16 1s', '4x16 5s', '4x16 files', '8x16 1s', '8x16 5s', '8x16 files'],
      'streams x audio',
    );
    assert.deepEqual(
      options.scenarios[2]!.audio,
      { kind: 'files', paths: ['a.wav', 'b.wav'] },
      'files in one scenario',
    );
  });

  it('makes an open-model scenario of rate x duration', () => {
    const [scenario] = parseLoadOptions({ url, rate: '20', duration: '3' }).scenarios;
    assert.deepEqual(
      scenario,
      {
        name: '20/s for 3s 1s',
        model: 'open',
        rate: 20,
        audio: { kind: 'builtin', name: '1s' },
        durationS: 3,
        warmup: 2,
      },
      'open scenario',
    );
  });

  it('takes the suite scenarios and refuses scenario options beside --suite', () => {
    const options = parseLoadOptions({ url, suite: 'standard' });
    assert.equal(options.scenarios.length, 8, 'three single-stream and five multi-stream scenarios');
    assert.deepEqual(
      options.scenarios.slice(3).map((s) => s.name),
      ['4x8 1s', '8x16 1s', '4x8 5s', '16x32 1s', '4x8 mixed'],
      'the five multi-stream scenarios',
    );
    assert.ok(
      options.scenarios.slice(0, 3).every((s) => s.streams === 1 && s.requests === 10 && s.warmup === 2),
      'single-stream profiling',
    );
    usage({ url, suite: 'standard', streams: '4' }, /--suite .*--streams/);
    usage({ url, suite: 'huge' }, /--suite must be one of standard, quick/);
  });

  it('rejects nonsense with a one-line UsageError', () => {
    usage({}, /--url is required/);
    usage({ url: 'not a url' }, /--url must be an absolute/);
    usage({ url: 'ftp://host' }, /http or https/);
    usage({ url, streams: '0' }, /--streams must be a positive integer, got '0'/);
    usage({ url, streams: '4,x' }, /--streams must be a positive integer, got 'x'/);
    usage({ url, streams: '4,4' }, /twice/);
    usage({ url, rate: '-1' }, /--rate must be a positive number, got '-1'/);
    usage({ url, rate: '0' }, /--rate must be a positive number/);
    usage({ url, requests: '5', duration: '2' }, /--requests and --duration are alternatives/);
    usage({ url, streams: '4', rate: '5' }, /--streams and --rate are alternatives/);
    usage({ url, requests: '1.5' }, /--requests must be a positive integer/);
    usage({ url, timeout: '0' }, /--timeout must be a positive number/);
    usage({ url, warmup: '-1' }, /--warmup must be a non-negative integer/);
    usage({ url, progress: 'fancy' }, /--progress must be one of/);
    usage({ url, threshold: ['p99 < soon'] }, /--threshold 'p99 < soon'/);
  });
});

describe('parseLoadOptions for any server', () => {
  it('takes durations as plain seconds, 30s, 2m or 500ms, for --duration and --timeout', () => {
    const seconds = (duration: string): number | undefined =>
      parseLoadOptions({ url, rate: '5', duration }).scenarios[0]!.durationS;
    assert.equal(seconds('45'), 45, 'a plain number is seconds');
    assert.equal(seconds('30s'), 30, 'seconds');
    assert.equal(seconds('2m'), 120, 'minutes');
    assert.equal(seconds('1.5m'), 90, 'fractions');
    assert.equal(parseLoadOptions({ url, timeout: '500ms' }).timeoutMs, 500, 'milliseconds');
    assert.equal(parseLoadOptions({ url, timeout: '2m' }).timeoutMs, 120_000, 'a timeout in minutes');
    for (const bad of ['2x', '-1s', '0s', 'm', '1 m', '', '1e3s', 'Infinity'])
      usage({ url, duration: bad }, /--duration must be a positive number of seconds or a duration such as 30s/);
    usage({ url, timeout: '10 minutes' }, /--timeout must be a positive number/);
  });

  it('sends to --path with --header headers and the --api-key; a header value is never in a message', () => {
    const options = parseLoadOptions({
      url,
      path: '/api/asr?lang=en',
      header: ['X-Tenant: acme', 'x-trace-me:yes'],
      apiKey: 'sk-key',
    });
    assert.equal(options.path, '/api/asr?lang=en', 'the path as given');
    assert.deepEqual(
      options.headers,
      { 'x-tenant': 'acme', 'x-trace-me': 'yes', authorization: 'Bearer sk-key' },
      'lower-case names, trimmed values, the key as a bearer token',
    );
    assert.equal(parseLoadOptions({ url }).path, '/v1/audio/transcriptions', 'the OpenAI path by default');
    assert.equal(
      parseLoadOptions({ url, header: ['Authorization: Basic abc'], apiKey: 'sk-env' }).headers!.authorization,
      'Basic abc',
      'an explicit Authorization header wins over the key',
    );
    usage({ url, path: 'v1/audio' }, /--path must start with \//);
    usage({ url, path: '/a b' }, /--path must start with \/ and hold no spaces/);
    usage({ url, header: ['Content-Type: text/plain'] }, /--header 'Content-Type' is set by the load generator/);
    usage({ url, header: ['X-A: 1', 'x-a: 2'] }, /--header 'x-a' is given twice/);
    for (const bad of ['Authorization Bearer sk-secret-value', ': sk-secret-value', 'Bad Name: sk-secret-value']) {
      assert.throws(
        () => parseLoadOptions({ url, header: [bad] }),
        (error: unknown) => {
          assert.ok(error instanceof UsageError, 'a usage error');
          assert.match(error.message, /--header number 1 must be 'Name: value'/, 'names the header by position');
          assert.ok(!error.message.includes('sk-secret-value'), 'without repeating what may be a credential');
          return true;
        },
      );
    }
  });

  it('takes --max-in-flight for the open model only, and --response-format json or verbose_json', () => {
    const [scenario] = parseLoadOptions({ url, rate: '10', maxInFlight: '3' }).scenarios;
    assert.equal(scenario!.maxInFlight, 3, 'the cap reaches the scenario');
    assert.equal(parseLoadOptions({ url, rate: '10' }).scenarios[0]!.maxInFlight, undefined, 'unbounded by default');
    usage({ url, streams: '4', maxInFlight: '3' }, /--max-in-flight caps the open model: give it with --rate/);
    usage({ url, maxInFlight: '3' }, /--max-in-flight caps the open model/);
    usage({ url, rate: '10', maxInFlight: '0' }, /--max-in-flight must be a positive integer, got '0'/);
    usage({ url, suite: 'quick', maxInFlight: '3' }, /--suite defines its own scenarios: drop --max-in-flight/);
    assert.equal(parseLoadOptions({ url }).responseFormat, 'json', 'json by default');
    assert.equal(parseLoadOptions({ url, responseFormat: 'verbose_json' }).responseFormat, 'verbose_json', 'verbose');
    usage({ url, responseFormat: 'srt' }, /--response-format must be one of json, verbose_json, got 'srt'/);
  });
});

describe('parseAudio', () => {
  it('refuses a built-in clip listed twice', () => {
    assert.throws(() => parseAudio(['1s', '1s']), UsageError, 'duplicate clip');
  });
});
