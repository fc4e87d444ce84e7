/**
 * Every command: `--help` shows the defaults and exits 0; bad usage is one line on stderr and exit
 * code 2, whether commander or our own validation catches it.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN } from '../support/service.ts';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('amanuensis usage', () => {
  for (const command of ['serve', 'load', 'profile', 'summary show', 'summary merge', 'compare']) {
    it(`${command} --help prints its options and exits 0`, () => {
      const result = cli(...command.split(' '), '--help');
      assert.equal(result.status, 0, `exit code: ${result.stderr}`);
      assert.match(result.stdout, /Usage: amanuensis/, 'usage line');
      if (command === 'serve') assert.match(result.stdout, /default: "npu-sim"/, 'defaults shown');
    });
  }

  it('profile lists only the options it acts on: no listener, summary file or quiet flag of its own', () => {
    const profile = cli('profile', '--help').stdout;
    const serve = cli('serve', '--help').stdout;
    for (const option of ['--host', '--port', '--summary-out', '--summary-interval', '--quiet']) {
      assert.ok(serve.includes(option), `serve lists ${option}`);
      assert.ok(!profile.includes(option), `profile does not list ${option}, which it would ignore`);
    }
    assert.ok(
      profile.includes('--inject-delay') && profile.includes('--device'),
      'profile lists the service options it passes on',
    );
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['bogus'], /unknown command 'bogus'/],
    ['an invalid choice', ['serve', '--device', 'gpu'], /--device.*must be one of npu-sim, cpu/],
    ['an invalid port', ['serve', '--port', '70000'], /--port.*0 to 65535/],
    ['an unknown option', ['serve', '--colour'], /unknown option '--colour'/],
    ['a missing required option', ['load'], /--url is required/],
    ['a listener option profile decides itself', ['profile', '--port', '9000'], /unknown option '--port'/],
    ['a summary-out that climbs', ['serve', '--summary-out', '../x.json'], /'\.\.' is not allowed/],
    [
      'an --inject-delay of an unknown span',
      ['serve', '--inject-delay', 'mel.bogus=300'],
      /--inject-delay.*unknown stage span 'mel\.bogus'/,
    ],
    [
      'an --inject-delay of a device-timeline span',
      ['serve', '--inject-delay', 'npu.kernel_execution=5'],
      /unknown stage span 'npu\.kernel_execution'/,
    ],
    ['an --inject-delay without a delay', ['serve', '--inject-delay', 'mel.log_mel'], /--inject-delay.*SPAN=MS/],
    [
      'an --inject-delay that does not parse',
      ['serve', '--inject-delay', 'mel.log_mel=fast'],
      /delay 'fast' must be a number/,
    ],
    [
      'an --inject-delay of 0 ms',
      ['serve', '--inject-delay', 'mel=0'],
      /delay '0' must be a number of milliseconds above 0/,
    ],
    ['an --inject-delay fraction of 0', ['serve', '--inject-delay', 'mel=300@0'], /fraction '0' must be in \(0, 1\]/],
    [
      'an --inject-delay fraction above 1',
      ['serve', '--inject-delay', 'mel=300@1.5'],
      /fraction '1\.5' must be in \(0, 1\]/,
    ],
    [
      'an --inject-delay on profile that does not parse',
      ['profile', '--inject-delay', 'mel=300@x'],
      /fraction 'x' must be in/,
    ],
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
