/**
 * Every command: `--help` shows the defaults and exits 0; bad usage is one line on stderr and exit
 * code 2, whether commander or our own validation catches it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN } from '../support/service.ts';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('amanuensis usage', () => {
  for (const command of ['serve', 'load', 'profile', 'summary show', 'summary merge']) {
    it(`${command} --help prints its options and exits 0`, () => {
      const result = cli(...command.split(' '), '--help');
      assert.equal(result.status, 0, `exit code: ${result.stderr}`);
      assert.match(result.stdout, /Usage: amanuensis/, 'usage line');
      if (command === 'serve') assert.match(result.stdout, /default: "npu-sim"/, 'defaults shown');
    });
  }

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['bogus'], /unknown command 'bogus'/],
    ['an invalid choice', ['serve', '--device', 'gpu'], /--device.*must be one of npu-sim, cpu/],
    ['an invalid port', ['serve', '--port', '70000'], /--port.*0 to 65535/],
    ['an unknown option', ['serve', '--colour'], /unknown option '--colour'/],
    ['a missing required option', ['load'], /--url is required/],
    ['a summary-out that climbs', ['serve', '--summary-out', '../x.json'], /'\.\.' is not allowed/],
  ];
  for (const [what, args, message] of bad) {
    it(`answers ${what} with one line and exit code 2`, () => {
      const result = cli(...args);
      assert.equal(result.status, 2, `exit code 2 for ${args.join(' ')}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${result.stderr}`);
      assert.match(lines[0]!, /^amanuensis: /, 'prefixed with the program name');
      assert.match(lines[0]!, message, 'says what is wrong');
    });
  }
});
