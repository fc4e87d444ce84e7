import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machineInfo } from '../../bench/machine.ts';
import { benchDocument, evaluate, formatNumber, meetsGoal, type Row, renderTable } from '../../bench/report.ts';

const row = (key: string, samples: number[], goal: Row['goal'], unit = 'ratio'): Row => ({
  key,
  unit,
  goal,
  anchor: `anchor of ${key}`,
  samples,
});

function doc(rows: Row[], errors: string[] = []) {
  const startedAt = new Date('2026-11-27T07:00:00.000Z');
  return benchDocument({
    mode: 'quick',
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 61_250),
    machine: machineInfo(),
    rows,
    notes: ['a note'],
    errors,
  });
}

describe('bench report goals', () => {
  it('compares with the goal inclusively in both directions', () => {
    assert.equal(meetsGoal(0.05, { op: '<=', target: 0.05 }), true, 'at an upper bound');
    assert.equal(meetsGoal(0.0501, { op: '<=', target: 0.05 }), false, 'above an upper bound');
    assert.equal(meetsGoal(0.98, { op: '>=', target: 0.98 }), true, 'at a lower bound');
    assert.equal(meetsGoal(0.979, { op: '>=', target: 0.98 }), false, 'below a lower bound');
  });

  it('judges the median, not the best or worst repeat', () => {
    const result = evaluate(row('r', [0.9, 0.99, 1.2], { op: '>=', target: 0.98 }));
    assert.equal(result.value, 0.99, 'value is the median');
    assert.equal(result.pass, true, 'median meets the goal though one repeat does not');
    assert.equal(
      evaluate(row('r', [0.5, 0.97, 1.5], { op: '>=', target: 0.98 })).pass,
      false,
      'median below goal fails',
    );
  });

  it('marks rows without a goal as kept for the record', () => {
    const result = evaluate(row('service.scaling_efficiency', [0.5, 0.6], null));
    assert.equal(result.pass, null, 'no verdict');
    assert.equal(result.goal, null, 'no goal text');
  });
});

describe('bench report document', () => {
  it('keys results by row name with value, spread, goal, anchor and samples', () => {
    const d = doc([
      row('span_processor.overhead_ratio', [0.03, 0.02, 0.04], { op: '<=', target: 0.05 }),
      row('rollup.heap_growth_bytes', [1000], { op: '<=', target: 2e6 }, 'bytes'),
    ]);
    assert.deepEqual(
      Object.keys(d.results),
      ['span_processor.overhead_ratio', 'rollup.heap_growth_bytes'],
      'keys in run order',
    );
    const r = d.results['span_processor.overhead_ratio']!;
    assert.deepEqual(
      {
        value: r.value,
        median: r.median,
        min: r.min,
        max: r.max,
        repeats: r.repeats,
        goal: r.goal,
        pass: r.pass,
        samples: r.samples,
      },
      {
        value: 0.03,
        median: 0.03,
        min: 0.02,
        max: 0.04,
        repeats: 3,
        goal: '<= 0.05',
        pass: true,
        samples: [0.03, 0.02, 0.04],
      },
      'row fields',
    );
    assert.equal(r.anchor, 'anchor of span_processor.overhead_ratio', 'anchor kept');
    assert.equal(d.all_goals_met, true, 'all goals met');
    assert.equal(d.elapsed_s, 61.3, 'elapsed seconds from the two times');
    assert.equal(d.schema_version, 1, 'schema version');
    for (const field of ['cpu_model', 'cores', 'node']) assert.ok(field in d.machine, `machine.${field}`);
    assert.deepEqual(JSON.parse(JSON.stringify(d)).results['rollup.heap_growth_bytes'].value, 1000, 'survives JSON');
  });

  it('is not all-goals-met when a goal fails or a measurement failed', () => {
    assert.equal(doc([row('a', [0.1], { op: '<=', target: 0.05 })]).all_goals_met, false, 'a failed goal');
    assert.equal(
      doc([row('a', [0.01], { op: '<=', target: 0.05 })], ['tracing: the service exited']).all_goals_met,
      false,
      'a failed step',
    );
    assert.equal(doc([row('a', [7], null)]).all_goals_met, true, 'record rows never fail');
  });

  it('refuses two rows with the same key', () => {
    assert.throws(() => doc([row('a', [1], null), row('a', [2], null)]), /two rows named a/, 'duplicate key');
  });
});

describe('bench report table', () => {
  it('names the machine and prints a line per row with its verdict and spread', () => {
    const d = doc(
      [
        row('tracing.throughput_ratio_fine', [0.9, 0.93, 0.94], { op: '>=', target: 0.95 }),
        row('rollup.max_relative_error', [0.0096], { op: '<=', target: 0.01 }),
        row('suite.quick.throughput_rtf.4x8 1s', [5.1], null, 'x realtime'),
      ],
      ['mel: boom'],
    );
    const table = renderTable(d);
    const lines = table.split('\n');
    assert.match(
      lines[0]!,
      new RegExp(`${d.machine.cores} cores, Node ${d.machine.node.replace(/\./g, '\\.')}`),
      'machine in the header',
    );
    const line = (key: string): string => lines.find((l) => l.startsWith(key)) ?? assert.fail(`no line for ${key}`);
    assert.match(
      line('tracing.throughput_ratio_fine'),
      /0\.93\s+>= 0\.95\s+FAIL\s+0\.9\.\.0\.94 \(4\.3%\)\s+3\s+anchor of/,
      'failed row',
    );
    assert.match(
      line('rollup.max_relative_error'),
      /0\.0096\s+<= 0\.01\s+pass\s+-\s+1\s/,
      'single repeat has no spread',
    );
    assert.match(line('suite.quick.throughput_rtf.4x8 1s'), /5\.1 x realtime\s+-\s+record/, 'record row with its unit');
    assert.ok(lines.includes('note: a note') && lines.includes('error: mel: boom'), 'notes and errors');
    assert.match(table, /1 goal\(s\) not met, 1 measurement\(s\) failed/, 'summary line');
  });

  it('formats numbers to four significant digits, integers whole, extremes in exponent form', () => {
    assert.equal(formatNumber(0.984512), '0.9845', 'four digits');
    assert.equal(formatNumber(19180), '19180', 'integer');
    assert.equal(formatNumber(6.69e-8), '6.69e-8', 'tiny');
    assert.equal(formatNumber(0), '0', 'zero');
    assert.equal(formatNumber(NaN), 'NaN', 'not a number');
  });
});
