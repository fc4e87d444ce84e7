import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from '../../bench/args.ts';
import { UsageError } from '../../src/core/command-errors.ts';

const RUN = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

describe('bench parseBenchArgs', () => {
  it('defaults to the full run without a JSON file', () => {
    assert.deepEqual(parseBenchArgs([]), { quick: false, out: undefined, help: false }, 'defaults');
  });

  it('reads --quick and --out in either spelling', () => {
    assert.deepEqual(
      parseBenchArgs(['--quick', '--out', 'bench.json']),
      { quick: true, out: 'bench.json', help: false },
      'separate value',
    );
    assert.equal(parseBenchArgs(['--out=b.json']).out, 'b.json', 'inline value');
    assert.equal(parseBenchArgs(['-h']).help, true, 'short help');
  });

  it('rejects unknown options, positionals and a missing file name as usage errors', () => {
    for (const argv of [['--fast'], ['bench.json'], ['--out'], ['--out', ''], ['--quick=yes']]) {
      assert.throws(() => parseBenchArgs(argv), UsageError, `argv ${JSON.stringify(argv)}`);
    }
  });
});

describe('bench/run.ts command line', () => {
  it('prints help and exits 0', () => {
    const result = spawnSync(process.execPath, [RUN, '--help'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /--quick/, 'help names --quick');
    assert.match(result.stdout, /--out FILE/, 'help names --out');
  });

  it('exits 2 with one line on stderr for bad usage, before measuring anything', () => {
    for (const argv of [['--fast'], ['--out', '/nonexistent-dir/bench.json']]) {
      const result = spawnSync(process.execPath, [RUN, ...argv], { encoding: 'utf8' });
      assert.equal(result.status, 2, `exit code for ${argv.join(' ')}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
      assert.equal(result.stdout, '', 'no table');
    }
  });
});
