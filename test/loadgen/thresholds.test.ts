import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/command-errors.ts';
import { checkThresholds, parseThreshold, type ThresholdValues } from '../../src/loadgen/thresholds.ts';

const values = (overrides: Partial<ThresholdValues>): ThresholdValues => ({
  mean: 100,
  p50: 90,
  p90: 150,
  p95: 180,
  p99: 250,
  max: 400,
  ttfb_p50: 10,
  ttfb_p99: 20,
  success: 1,
  failed: 0,
  rps: 50,
  rtf: 12,
  ...overrides,
});

describe('parseThreshold', () => {
  it('reads metric, operator and value, with optional ms and % units', () => {
    assert.deepEqual(
      parseThreshold('p99<800'),
      { source: 'p99<800', metric: 'p99', operator: '<', value: 800 },
      'plain',
    );
    assert.deepEqual(
      parseThreshold(' success >= 0.99 '),
      { source: 'success >= 0.99', metric: 'success', operator: '>=', value: 0.99 },
      'spaces',
    );
    assert.equal(parseThreshold('p50<=12.5ms').value, 12.5, 'ms suffix');
    assert.equal(parseThreshold('success>=99.5%').value, 0.995, 'percentage');
  });

  it('rejects anything else', () => {
    for (const bad of [
      'p99',
      'p99<',
      'p99<<8',
      'p99=800',
      'p98<1',
      'p99<-1',
      'p99<1e3',
      'success>=2',
      'rps>5ms',
      'p99<5%',
      'p99<800 and more',
    ]) {
      assert.throws(() => parseThreshold(bad), UsageError, `'${bad}' must be refused`);
    }
  });
});

describe('checkThresholds', () => {
  it('checks every threshold against every scenario; NaN never passes', () => {
    const checks = checkThresholds(
      [parseThreshold('p99<300'), parseThreshold('success>=0.99')],
      [
        { name: 'a', values: values({}) },
        { name: 'b', values: values({ p99: 301, success: 0.5 }) },
        { name: 'c', values: values({ p99: NaN }) },
      ],
    );
    assert.deepEqual(
      checks.map((c) => `${c.threshold}@${c.scenario}:${c.passed}`),
      [
        'p99<300@a:true',
        'p99<300@b:false',
        'p99<300@c:false',
        'success>=0.99@a:true',
        'success>=0.99@b:false',
        'success>=0.99@c:true',
      ],
      'verdicts',
    );
  });
});
