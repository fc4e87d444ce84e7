/**
 * `--inject-delay` on the command line: repeated values collect in order, and `profile` hands each
 * to the service it starts in a form `serve` parses back to the same plan.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import type { ProfileOptions } from '../../src/cli/profile.ts';
import { serveArgs } from '../../src/cli/profile-run.ts';
import { addServiceOptions } from '../../src/cli/serve.ts';

function parse(args: string[]): ProfileOptions {
  return addServiceOptions(new Command().exitOverride())
    .parse(['node', 'amanuensis', ...args])
    .opts<ProfileOptions>();
}

describe('--inject-delay', () => {
  it('collects repeated values in order, the fraction defaulting to 1', () => {
    const options = parse(['--inject-delay', 'mel.log_mel=300@0.1', '--inject-delay', 'decoder=25.5']);
    assert.deepEqual(
      options.injectDelay,
      [
        { span: 'mel.log_mel', ms: 300, fraction: 0.1 },
        { span: 'decoder', ms: 25.5, fraction: 1 },
      ],
      'both specs',
    );
    assert.deepEqual(parse([]).injectDelay, [], 'off by default');
  });

  it('reaches the service profile starts, unchanged', () => {
    const options = parse(['--inject-delay', 'mel.log_mel=300@0.1', '--inject-delay', 'decoder=25.5']);
    const args = serveArgs(options, 'fused', '/tmp/summary.json');
    const passed = args.flatMap((arg, i) => (arg === '--inject-delay' ? [args[i + 1]!] : []));
    assert.deepEqual(
      parse(passed.flatMap((value) => ['--inject-delay', value])).injectDelay,
      options.injectDelay,
      'the service parses what profile passes to the same plan',
    );
  });
});
