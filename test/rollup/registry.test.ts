import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_NAME, NO_PATH, ROOT_PATH, SpanRegistry } from '../../src/rollup/registry.ts';

describe('SpanRegistry', () => {
  it('interns each (parent path, name) once and names it by its chain', () => {
    const registry = new SpanRegistry(64, 1000);
    const names = ['a', 'b', 'c'].map((n) => `${n}.stage`);
    const paths: number[] = [];
    for (const first of names) {
      const top = registry.pathId(ROOT_PATH, registry.nameId(first));
      paths.push(top);
      for (const second of names) paths.push(registry.pathId(top, registry.nameId(second)));
    }
    assert.equal(new Set(paths).size, 12, 'three roots and nine children, all distinct');
    for (const first of names) {
      const top = registry.pathId(ROOT_PATH, registry.nameId(first));
      assert.equal(
        registry.pathId(top, registry.nameId(names[1]!)),
        paths[names.indexOf(first) * 4 + 2],
        'the same path again',
      );
    }
    for (const path of paths) {
      const chain = registry.pathNames(path);
      assert.equal(registry.pathString(path), chain.join('/'), 'the path string is its names joined');
      assert.equal(registry.name(registry.pathLeaf(path)), chain.at(-1), 'the leaf is the last name');
    }
  });

  it('tells names apart that are equal in content but built separately', () => {
    const registry = new SpanRegistry(8, 8);
    const first = registry.nameId(['x', 'y'].join('.'));
    assert.equal(registry.nameId(`x.${'y'}`), first, 'equal strings are one name, whichever object carries them');
    assert.notEqual(registry.nameId('x.z'), first, 'a different name is a different id');
  });

  it('bounds names and paths', () => {
    const registry = new SpanRegistry(2, 3);
    const a = registry.pathId(ROOT_PATH, registry.nameId('a'));
    registry.pathId(a, registry.nameId('b'));
    assert.equal(registry.nameId('c'), NO_NAME, 'a third name finds no room');
    assert.equal(registry.pathId(ROOT_PATH, NO_NAME), NO_PATH, 'nor a path');
    registry.pathId(a, registry.nameId('a'));
    assert.equal(registry.pathCount, 3, 'three paths');
    assert.equal(registry.pathId(ROOT_PATH, registry.nameId('b')), NO_PATH, 'a fourth path finds no room');
    assert.equal(registry.pathId(NO_PATH, registry.nameId('a')), NO_PATH, 'nothing extends NO_PATH');
  });
});
