/**
 * Keeps the folder table of docs/architecture.md true: every folder of src/ imports only the
 * folders its row allows, and what the rows allow has no cycle.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const src = join(root, 'src');

/** The top folder of src/ a file lies in; undefined for files directly in src/. */
function folderOf(file: string): string | undefined {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Folder -> folders it imports, each with the first file that does (for the failure message). */
function actualImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(file);
    if (!from) continue;
    // Static imports and re-exports, also when their braces span lines.
    for (const match of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\s+'(\.[^']+)'/g)) {
      const to = folderOf(normalize(join(dirname(file), match[1] ?? match[2] ?? '')));
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)?.has(to)) edges.get(from)?.set(to, relative(root, file));
    }
  }
  return edges;
}

/** The table's rows: folder -> the folders it may import. */
function allowedImports(): Map<string, Set<string>> {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const allowed = new Map<string, Set<string>>();
  for (const [, folder, may] of doc.matchAll(/^\| `(\w+)\/` \| ([^|]+) \|/gm)) {
    const list = may!.trim();
    const names = list === 'nothing' ? [] : list === 'every folder' ? ['*'] : list.split(/,\s*/);
    allowed.set(folder!, new Set(names));
  }
  return allowed;
}

describe('docs/architecture.md folder table', () => {
  const allowed = allowedImports();

  it('has a row for every folder of src/', () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual([...allowed.keys()].sort(), folders, 'one row per folder');
  });

  it('allows every import the code makes', () => {
    for (const [from, tos] of actualImports()) {
      const may = allowed.get(from) ?? new Set();
      for (const [to, file] of tos)
        assert.ok(may.has('*') || may.has(to), `${from}/ imports ${to}/ (${file}), which its row does not allow`);
    }
  });

  it('allows no cycle, and only cli/ may import service/ or cli/', () => {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (folder: string, path: string[]): void => {
      state.set(folder, 'open');
      for (const next of allowed.get(folder) ?? []) {
        if (next === '*') continue;
        assert.notEqual(state.get(next), 'open', `cycle: ${[...path, folder, next].join(' -> ')}`);
        if (!state.has(next)) visit(next, [...path, folder]);
      }
      state.set(folder, 'done');
    };
    for (const folder of allowed.keys()) if (!state.has(folder)) visit(folder, []);
    for (const [folder, may] of allowed)
      if (folder !== 'cli') assert.ok(!may.has('service') && !may.has('cli'), `${folder}/ may not import upward`);
  });
});
