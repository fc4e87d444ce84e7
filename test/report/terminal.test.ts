import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTerminalReport } from '../../src/report/terminal-profile.ts';
import {
  attributedSummary,
  legacySummary,
  loadResults,
  requestEntry,
  resource,
  scenario,
  simpleRun,
  simpleSummary,
  TRACE_A,
} from './documents.ts';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

describe('renderTerminalReport', () => {
  it('prints the scenario table with counts, throughput, request rate and p50/p99', () => {
    const run = {
      ...simpleRun(),
      load: loadResults([
        scenario('single 1s', 1),
        scenario('8x16 1s', 8, { failed: 1, succeeded: 9, throughput_rtf: 35.25, requests_per_s: 41.5 }),
      ]),
    };
    const text = renderTerminalReport({ runs: [run], jaegerReachable: true }, { width: 100, color: false });
    assert.match(
      text,
      /scenario +load +requests +ok +failed +x realtime +req\/s +p50 \(ms\) +p99 \(ms\)/,
      'the header names every unit',
    );
    assert.match(text, /^single 1s +1 stream +10 +10 +0 +20\.0 +20\.0 +35\.0 +60\.0$/m, 'a single-stream row');
    assert.match(text, /^8x16 1s +8 streams +10 +9 +1 +35\.3 +41\.5 +35\.0 +60\.0$/m, 'a row with a failure');
  });

  it('shows where time goes as self-time bars that add up to 100% of the request', () => {
    const text = renderTerminalReport({ runs: [simpleRun()], jaegerReachable: true }, { width: 100, color: false });
    assert.match(
      text,
      /where time goes: self time per request, as a share of transcribe \(mean 10\.0 ms over 10 requests\)/,
      'the title names the root and its mean',
    );
    assert.match(
      text,
      /^ {2}encoder \(own\) +█{10} +20\.0% +2\.00 ms$/m,
      'encoder own time: 2 of 10 ms, 10 of the 50 cells bars get at width 100',
    );
    assert.match(
      text,
      /^ {4}npu\.kernel_execution +█{20} +40\.0% +4\.00 ms$/m,
      'the kernel, indented under the encoder',
    );
    const shares = [...text.matchAll(/ (\d+\.\d)% /g)].map((m) => Number(m[1]));
    assert.equal(
      shares.reduce((a, b) => a + b, 0),
      100,
      'shares add up to 100%',
    );
  });

  it('lists the slowest traces with Jaeger links and the hint when Jaeger was not reachable', () => {
    const text = renderTerminalReport(
      { runs: [simpleRun()], jaegerUrl: 'http://jaeger:16686', jaegerReachable: false },
      { width: 100, color: false },
    );
    assert.match(
      text,
      new RegExp(`70\\.0 ms {2}4x8 1s {2}http://jaeger:16686/trace/${TRACE_A}`),
      'the slowest client request with its link',
    );
    assert.match(text, /start Jaeger with `docker compose up jaeger` to open these/, 'the hint');
    const reachable = renderTerminalReport(
      { runs: [simpleRun()], jaegerReachable: true },
      { width: 100, color: false },
    );
    assert.doesNotMatch(reachable, /docker compose up jaeger/, 'no hint when Jaeger answered');
  });

  it('says why the tail is slow in one line per root and per scenario, and which resource saturates', () => {
    const breakdown = {
      stages: [],
      requests: [requestEntry({ count: 100 })],
      resources: [resource('worker_pool', 4, 0.97, 3.1)],
    };
    const run = { ...simpleRun('fused', { server_stages: breakdown }), summary: attributedSummary() };
    const text = renderTerminalReport({ runs: [run], jaegerReachable: true }, { width: 100, color: false });
    assert.match(
      text,
      /^ {2}POST \/v1\/audio\/transcriptions \(200 requests\): p95\+ requests are \+412 ms: worker\.queue_wait \+380 ms \(92 %\); unattributed time p99 3 % of a request \(3\.1 ms\)$/m,
      'the whole run, with the unattributed share p99',
    );
    assert.match(
      text,
      /^ {2}4x8 1s {2}p95\+ requests are \+412 ms: worker\.queue_wait \+380 ms \(92 %\)$/m,
      'the scenario',
    );
    assert.match(text, /At 4x8 1s: worker_pool saturates: utilization 97 %/, 'the resource verdict');
    const legacy = renderTerminalReport(
      { runs: [{ ...simpleRun(), summary: legacySummary() }], jaegerReachable: true },
      { width: 100, color: false },
    );
    assert.match(legacy, /this span summary has no request attribution/, 'an older summary still prints, saying so');
  });

  it('uses ANSI colour only when asked', () => {
    const plain = renderTerminalReport({ runs: [simpleRun()], jaegerReachable: false }, { width: 80, color: false });
    assert.doesNotMatch(plain, ANSI, 'no escape codes without colour');
    const colored = renderTerminalReport({ runs: [simpleRun()], jaegerReachable: false }, { width: 80, color: true });
    assert.match(colored, ANSI, 'escape codes with colour');
  });

  it('ends with the comparison of each run against the first', () => {
    const matmul = {
      label: 'matmul',
      summary: simpleSummary({ encoderMs: 9, kernelMs: 7 }),
      load: loadResults([scenario('4x8 1s', 4)]),
    };
    const text = renderTerminalReport(
      { runs: [simpleRun('fused'), matmul], jaegerReachable: true },
      { width: 100, color: false },
    );
    assert.match(
      text,
      /run fused:[\s\S]*run matmul:[\s\S]*fused → matmul: regressions in 3 stages/,
      'both runs, then the comparison',
    );
  });
});
