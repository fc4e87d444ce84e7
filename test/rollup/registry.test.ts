import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_PATH, ROOT_PATH, SpanRegistry } from '../../src/rollup/registry.ts';
import { mulberry32 } from '../support/random.ts';

describe('SpanRegistry', () => {
  it('childPath gives pathId(parent, nameId(name)) whatever the sibling hint, right or wrong', () => {
    const registry = new SpanRegistry(64, 1000);
    const names = ['a', 'b', 'c', 'd', 'e'].map((n) => `${n}.stage`);
    const random = mulberry32(5);
    const seen: number[] = [];
    // Parents at most three deep: 5 + 25 + 125 + 625 paths fit.
    const parents: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const parent =
        parents.length === 0 || random() < 0.2 ? ROOT_PATH : parents[Math.floor(random() * parents.length)]!;
      const name = names[Math.floor(random() * names.length)]!;
      // Sometimes the real previous sibling, sometimes any path (a wrong hint), sometimes none.
      const previous = random() < 0.5 && seen.length > 0 ? seen[Math.floor(random() * seen.length)]! : -1;
      const path = registry.childPath(parent, name, previous);
      assert.equal(path, registry.pathId(parent, registry.nameId(name)), `path of ${name} under ${parent}`);
      assert.notEqual(path, NO_PATH, 'there is room for every path here');
      if (!seen.includes(path)) {
        seen.push(path);
        if (registry.pathNames(path).length < 4) parents.push(path);
      }
    }
    for (const path of seen) {
      const chain = registry.pathNames(path);
      assert.equal(registry.pathString(path), chain.join('/'), 'the path string is its names joined');
      assert.equal(registry.name(registry.pathLeaf(path)), chain.at(-1), 'the leaf is the last name');
    }
  });

  it('tells names apart that are equal in content but built separately', () => {
    const registry = new SpanRegistry(8, 8);
    const first = registry.childPath(ROOT_PATH, ['x', 'y'].join('.'), -1);
    const second = registry.childPath(ROOT_PATH, `x.${'y'}`, -1);
    assert.equal(second, first, 'equal strings are one name, whichever object carries them');
    const other = registry.childPath(ROOT_PATH, 'x.z', first);
    assert.notEqual(other, first, 'a different name after a hint is a different path');
  });

  it('bounds names and paths', () => {
    const registry = new SpanRegistry(2, 3);
    const a = registry.childPath(ROOT_PATH, 'a', -1);
    registry.childPath(a, 'b', -1);
    assert.equal(registry.childPath(ROOT_PATH, 'c', a), NO_PATH, 'a third name finds no room');
    registry.childPath(a, 'a', -1);
    assert.equal(registry.pathCount, 3, 'three paths');
    assert.equal(registry.childPath(ROOT_PATH, 'b', a), NO_PATH, 'a fourth path finds no room');
    assert.equal(registry.childPath(NO_PATH, 'a', -1), NO_PATH, 'nothing extends NO_PATH');
  });
});
