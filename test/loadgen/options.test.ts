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

describe('parseAudio', () => {
  it('refuses a built-in clip listed twice', () => {
    assert.throws(() => parseAudio(['1s', '1s']), UsageError, 'duplicate clip');
  });
});
