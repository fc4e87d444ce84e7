import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/command-errors.ts';
import { gateRuns } from '../../src/report/gate.ts';
import { DRIFT, type DriftFamily } from '../../src/report/gate-noise.ts';
import { noiseDrift, readNoiseFile } from '../../src/report/gate-noise-file.ts';
import { regressionsOf } from '../../src/report/gate-text.ts';
import { gateRun, quietNoise } from './gate-runs.ts';

/** The multi-stream scenario alone loses 40 % of its throughput (its latency x 1 / 0.6). */
const dropped = gateRun({ jitter: 2, queueing: 1 / 0.6 });
const baseline = gateRun({ jitter: 1 });

/** A noise document as JSON gives it, to break in the ways a hand-edited file can be. */
interface Loose {
  schema_version?: unknown;
  drift?: Partial<Record<DriftFamily, Record<string, unknown>>>;
}

describe('noiseDrift', () => {
  it('returns the drift of a complete noise document', () => {
    const drift = noiseDrift(JSON.parse(JSON.stringify(quietNoise())), 'n.json');
    assert.equal(drift.scenario.throughput, 0.15, 'the file value');
    assert.deepEqual(drift.stage, DRIFT.stage, 'every family kept');
  });

  it('refuses another document, a missing family or a figure that is not a number of at least 0', () => {
    const broken = (change: (doc: Loose) => void): unknown => {
      const doc = JSON.parse(JSON.stringify(quietNoise())) as Loose;
      change(doc);
      return doc;
    };
    for (const [doc, message] of [
      [{ hello: 'world' }, /not a noise document/],
      [broken((d) => (d.schema_version = 2)), /not a noise document/],
      [broken((d) => delete d.drift), /not a noise document/],
      [broken((d) => delete d.drift!['wait in scenario']), /misses the drift of the family "wait in scenario"/],
      [broken((d) => delete d.drift!.scenario!.p99), /"scenario" needs a drift for p99/],
      [broken((d) => (d.drift!.stage!['self time'] = -1)), /"stage" needs a drift for self time/],
      [broken((d) => (d.drift!.stage!.p50 = '0.3')), /"stage" needs a drift for p50/],
    ] as const) {
      assert.throws(
        () => noiseDrift(doc, 'n.json'),
        (error: unknown) =>
          error instanceof UsageError && message.test(error.message) && error.message.startsWith('--noise n.json: '),
        `${JSON.stringify(doc).slice(0, 80)} → ${message}`,
      );
    }
  });
});

describe('readNoiseFile', () => {
  it('reads a written noise document, and names a missing file or one that is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amanuensis-noise-'));
    const good = join(dir, 'noise.json');
    await writeFile(good, JSON.stringify(quietNoise()));
    assert.equal((await readNoiseFile(good)).scenario.p99, 0.2, 'the file read');
    const text = join(dir, 'noise.txt');
    await writeFile(text, 'quiet');
    await assert.rejects(readNoiseFile(join(dir, 'missing.json')), /no such file/, 'missing');
    await assert.rejects(readNoiseFile(text), /not JSON/, 'not JSON');
  });
});

describe('gateRuns with a noise file', () => {
  const noise = { drift: quietNoise().drift, source: 'quiet.json' };

  it('calls a 40 % throughput drop in one scenario within noise under the built-in model', () => {
    const result = gateRuns(baseline, dropped);
    assert.equal(result.noise, 'built-in', 'says which model');
    const figure = result.scenarios.find((f) => f.name === '4x40 1s' && f.metric === 'throughput');
    assert.ok(figure?.change !== null && figure!.change! < -0.35, `throughput fell by about 40 %: ${figure?.change}`);
    assert.equal(figure?.verdict, 'within noise', 'the built-in intervals are too wide to see it');
  });

  it('calls the same drop a regression under a quiet machine’s noise, and only that scenario', () => {
    const result = gateRuns(baseline, dropped, { noise });
    assert.equal(result.noise, 'quiet.json', 'says which model');
    const throughput = result.scenarios.find((f) => f.name === '4x40 1s' && f.metric === 'throughput');
    assert.equal(throughput?.verdict, 'regression', 'the dropped scenario');
    const names = new Set(regressionsOf(result).map((f) => `${f.scope} ${f.name}`));
    assert.deepEqual([...names], ['scenario 4x40 1s'], 'the other scenario stays');
  });

  it('still passes runs of the same build under the quiet noise, re-jittered or 30 % slower as a whole', () => {
    for (const shape of [{ jitter: 2 }, { jitter: 3 }, { jitter: 4 }, { jitter: 2, slowdown: 1.3 }]) {
      const result = gateRuns(baseline, gateRun(shape), { noise });
      assert.deepEqual(regressionsOf(result), [], `${JSON.stringify(shape)}: no regression`);
    }
  });
});
