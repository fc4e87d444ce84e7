/**
 * The README's "As a library" example, read from README.md itself so the test runs what a reader
 * copies and the two cannot drift apart.
 */
import { readFileSync } from 'node:fs';

const README = new URL('../../README.md', import.meta.url);

/** The first ```ts block after the "## As a library" heading. */
export function readmeLibraryExample(): string {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('\n## As a library\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!section.startsWith('\n## As a library\n') || !block)
    throw new Error('README.md has no ```ts block under "## As a library"');
  return block[1]!;
}

/** Packages that `source` imports (not node: built-ins, not relative paths), subpaths cut off. */
export function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
  const bare = specifiers.filter((specifier) => !specifier.startsWith('node:') && !specifier.startsWith('.'));
  return [...new Set(bare.map((specifier) => /^(?:@[^/]+\/)?[^/]+/.exec(specifier)![0]))];
}
