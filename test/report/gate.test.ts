import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gateRuns as libraryGate, readGateInput, renderGate } from '../../src/index.ts';
import { gateRuns } from '../../src/report/gate.ts';
import { DEFAULT_MAX_REGRESSION } from '../../src/report/gate-noise.ts';
import { regressionsOf } from '../../src/report/gate-text.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { gateRun, withoutSamples } from './gate-runs.ts';

const baseline = gateRun({ jitter: 1 });
const planted = { plantMs: 120, plantIn: SPAN.DECODER_TOKEN_GENERATION };

describe('gateRuns', () => {
  it('passes identical runs, every change zero', () => {
    const result = gateRuns(baseline, gateRun({ jitter: 1 }));
    assert.equal(result.passed, true, 'identical samples pass');
    for (const f of [...result.scenarios, ...result.stages])
      if (f.change !== null) assert.ok(Math.abs(f.change) < 1e-9, `${f.name} ${f.metric} moved by ${f.change}`);
    assert.equal(result.maxRegression, DEFAULT_MAX_REGRESSION, 'the default threshold');
  });

  it('passes two runs of the same build that differ in per-request noise', () => {
    for (const jitter of [2, 3, 4]) {
      const result = gateRuns(baseline, gateRun({ jitter }));
      assert.deepEqual(regressionsOf(result), [], `jitter ${jitter}: no regression`);
    }
  });

  it('passes a whole run slower or faster by 30 %, a drift within the calibrated noise', () => {
    for (const slowdown of [1.3, 1 / 1.3]) {
      const result = gateRuns(baseline, gateRun({ jitter: 2, slowdown }));
      assert.equal(result.passed, true, `slowdown ${slowdown}: ${regressionsOf(result).map((f) => f.name)}`);
    }
  });

  it('fails a planted delay in one stage and names that stage first, even in a faster run', () => {
    for (const slowdown of [1, 0.8]) {
      const result = gateRuns(baseline, gateRun({ jitter: 2, slowdown, ...planted }));
      assert.equal(result.passed, false, `slowdown ${slowdown}: fails`);
      const [first] = regressionsOf(result);
      assert.equal(first?.name, SPAN.DECODER_TOKEN_GENERATION, `slowdown ${slowdown}: the planted stage leads`);
      const names = new Set(regressionsOf(result).map((f) => f.name));
      assert.deepEqual([...names], [SPAN.DECODER_TOKEN_GENERATION], 'no other stage is blamed');
    }
  });

  it('judges a stage against the run: the other stages barely move its yardstick', () => {
    const result = gateRuns(baseline, gateRun({ jitter: 2, slowdown: 1.25, ...planted }));
    const attention = result.stages.find((f) => f.name === SPAN.DECODER_ATTENTION && f.metric === 'self time');
    const tokens = result.stages.find((f) => f.name === SPAN.DECODER_TOKEN_GENERATION && f.metric === 'self time');
    assert.ok(
      Math.abs((tokens?.shift ?? 0) - 0.25) < 0.1,
      `the planted stage's yardstick moved ${tokens?.shift}, the run's 25 %`,
    );
    assert.equal(
      attention?.verdict,
      'within noise',
      'attention, whose yardstick is mostly the planted stage, is not blamed',
    );
  });

  it('passes a whole run four times slower: one pair cannot tell a uniform slowdown from the host', () => {
    const result = gateRuns(baseline, gateRun({ jitter: 2, slowdown: 4 }));
    assert.equal(result.passed, true, `${regressionsOf(result).map((f) => f.name)}`);
  });

  it('fails a scenario that alone got eight times slower, and names it', () => {
    const result = gateRuns(baseline, gateRun({ jitter: 2, queueing: 8 }));
    const names = new Set(regressionsOf(result).map((f) => `${f.scope} ${f.name}`));
    assert.deepEqual([...names], ['scenario 4x40 1s'], 'only that scenario');
  });

  it('calls the reverse of a planted delay better, and blames no other stage for it', () => {
    const result = gateRuns(gateRun({ jitter: 2, ...planted }), baseline);
    assert.equal(result.passed, true, 'an improvement passes');
    const tokens = result.stages.find((f) => f.name === SPAN.DECODER_TOKEN_GENERATION && f.metric === 'self time');
    assert.equal(tokens?.verdict, 'better', 'the stage got better');
  });

  it('tolerates a larger regression when --max-regression allows it', () => {
    const result = gateRuns(baseline, gateRun({ jitter: 2, plantMs: 30, plantIn: planted.plantIn }), {
      maxRegression: 0.6,
    });
    assert.equal(result.passed, true, 'a +30 % stage under a 60 % threshold passes');
    const strict = gateRuns(baseline, gateRun({ jitter: 2, plantMs: 30, plantIn: planted.plantIn }));
    assert.equal(strict.passed, false, 'and fails under the default 10 %');
  });

  it('still compares files without per-request samples, with wider intervals and a note', () => {
    const b = gateRun({ jitter: 2 });
    const full = gateRuns(baseline, b);
    const old = gateRuns(withoutSamples(baseline), b);
    assert.equal(old.passed, true, 'passes');
    assert.match(old.notes.join('\n'), /A's load results keep no per-request samples/, 'says the verdict is weaker');
    const width = (r: typeof full): number => {
      const p50 = r.scenarios.find((f) => f.metric === 'p50')!;
      return Math.log1p(p50.judged!.high) - Math.log1p(p50.judged!.low);
    };
    assert.ok(width(old) > width(full), `interval ${width(old)} wider than ${width(full)}`);
    assert.equal(old.scenarios[0]?.perRequest, false, 'marked as without samples');
  });

  it('compares a load-results file alone, and says the stages were not compared', () => {
    const result = gateRuns({ load: baseline.load }, { load: gateRun({ jitter: 2 }).load });
    assert.equal(result.stages.length, 0, 'no stages');
    assert.ok(result.scenarios.length > 0, 'scenarios');
    assert.match(result.notes.join('\n'), /stages not compared/, 'note');
  });

  it('gives the same verdicts for the same files', () => {
    const b = gateRun({ jitter: 3 });
    assert.deepEqual(gateRuns(baseline, b), gateRuns(baseline, b), 'deterministic');
  });

  it('is the library gate docs/compare.md shows: read two run folders, judge, print', async () => {
    const root = await mkdtemp(join(tmpdir(), 'amanuensis-gate-'));
    for (const [name, run] of [
      ['A', baseline],
      ['B', gateRun({ jitter: 2, ...planted })],
    ] as const) {
      const dir = join(root, name);
      await mkdir(dir);
      await writeFile(join(dir, 'span-summary.json'), JSON.stringify(run.summary));
      await writeFile(join(dir, 'load-results.json'), JSON.stringify(run.load));
    }
    const result = libraryGate(await readGateInput(join(root, 'A')), await readGateInput(join(root, 'B')));
    assert.equal(result.passed, false, 'the planted delay fails');
    assert.match(
      renderGate(result, { labels: ['A', 'B'], color: false }),
      /regression: stage decoder\.token_generation/,
      'named',
    );
  });
});
