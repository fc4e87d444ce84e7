/**
 * The split that `npm run test:unit` relies on (docs/testing.md): a test file that starts the
 * service, the OTLP receiver process, Prometheus or a browser is named *.integration.test.ts, so
 * the fast selection stays fast as tests are added.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Modules whose use makes a test an integration test: each starts another process. */
const PROCESS_STARTERS = [
  'test/support/service.ts',
  'test/support/otlp-receiver.ts',
  'test/support/prometheus.ts',
  'test/support/chromium.ts',
  'test/loadgen/helpers.ts',
  'src/cli/child-service.ts',
  'playwright-core',
];

/** What a file imports: package names as written, relative paths from the repository root. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(([, specifier]) =>
    specifier!.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier!)) : specifier!,
  );
}

describe('test file naming', () => {
  it('names every test that starts a process *.integration.test.ts', () => {
    const unit = globSync('test/**/*.test.ts', { cwd: ROOT, exclude: ['**/*.integration.test.ts'] });
    assert.ok(unit.length > 20, `the unit selection finds the unit tests (${unit.length})`);
    const offenders = unit.flatMap((file) =>
      imports(file)
        .filter((module) => PROCESS_STARTERS.includes(module))
        .map((module) => `${file} imports ${module}`),
    );
    assert.deepEqual(offenders, [], 'unit tests start no service, receiver, Prometheus or browser');
  });

  it('selects each test file exactly once between test:unit and test:integration, and npm test runs all', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const files = (script: string): string[] => {
      const pattern = /"(test\/[^"]+)"/.exec(scripts[script] ?? '')?.[1];
      assert.ok(pattern, `npm run ${script} names its files with a quoted glob`);
      return globSync(pattern, { cwd: ROOT }).sort();
    };
    const all = files('test');
    assert.deepEqual(
      [...files('test:unit'), ...files('test:integration')].sort(),
      all,
      'unit and integration together are npm test, with no file in both',
    );
    assert.deepEqual(all, globSync('test/**/*.test.ts', { cwd: ROOT }).sort(), 'npm test runs every test file');
  });
});
