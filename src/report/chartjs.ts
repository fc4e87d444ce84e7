/**
 * Chart.js's UMD build, read from the installed package at render time so the report carries its
 * own copy and needs no network. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The minified UMD bundle (defines the global `Chart`), safe to place inside a <script> element. */
export function chartJsSource(): string {
  if (cached === undefined) {
    // The package's exports map does not expose dist/ files, so resolve the main entry and look beside it.
    const main = createRequire(import.meta.url).resolve('chart.js');
    const source = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
    cached = source
      .replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n')
      .replace(/<\/(script)/gi, '<\\/$1')
      .replace(/<!--/g, '<\\!--');
  }
  return cached;
}
