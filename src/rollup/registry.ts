/**
 * Interns span names and paths as small integers, each table bounded so a span name built from
 * user input cannot grow memory without limit. A path is (parent path, name); the root paths
 * have parent ROOT_PATH.
 */
import { PATH_SEPARATOR } from './document.ts';

/** Parent of a one-element path. */
export const ROOT_PATH = -1;
/** "No path": the table was full, or the path is unknown. */
export const NO_PATH = -2;
/** "No name id": the name table was full. */
export const NO_NAME = -1;

/** Child names remembered per parent path for childPath's fast scan. */
const RECENT_CHILDREN = 12;

export class SpanRegistry {
  readonly maxNames: number;
  readonly maxPaths: number;
  readonly #nameIds = new Map<string, number>();
  readonly #names: string[] = [];
  /** Per parent path (index parent + 1): name id -> child path id (-1: none yet), made on first use. */
  readonly #children: (Int32Array | undefined)[] = [];
  readonly #pathParent: number[] = [];
  readonly #pathName: number[] = [];
  readonly #pathStrings: string[] = [];
  /** Per parent path (index parent + 1): the child names seen and their paths, scanned by string
   *  equality, which is a pointer compare for the constant names spans usually have. */
  readonly #recentNames: (string[] | undefined)[] = [];
  readonly #recentPaths: (number[] | undefined)[] = [];

  constructor(maxNames: number, maxPaths: number) {
    this.maxNames = maxNames;
    this.maxPaths = maxPaths;
  }

  get nameCount(): number {
    return this.#names.length;
  }

  get pathCount(): number {
    return this.#pathParent.length;
  }

  /** The id of `name`, interning it if there is room; NO_NAME otherwise. */
  nameId(name: string): number {
    const id = this.#nameIds.get(name);
    if (id !== undefined) return id;
    if (this.#names.length >= this.maxNames) return NO_NAME;
    const created = this.#names.length;
    this.#names.push(name);
    this.#nameIds.set(name, created);
    return created;
  }

  /**
   * The path of a span named `name` under `parent` (NO_PATH when there is no room): the same
   * as pathId(parent, nameId(name)), without a Map lookup for the names a parent usually has.
   */
  childPath(parent: number, name: string): number {
    if (parent === NO_PATH) return NO_PATH;
    const names = this.#recentNames[parent + 1];
    if (names !== undefined) {
      for (let i = 0; i < names.length; i++) if (names[i] === name) return this.#recentPaths[parent + 1]![i]!;
    }
    const path = this.pathId(parent, this.nameId(name));
    if (path !== NO_PATH && (names === undefined || names.length < RECENT_CHILDREN)) {
      if (names === undefined) {
        this.#recentNames[parent + 1] = [name];
        this.#recentPaths[parent + 1] = [path];
      } else {
        names.push(name);
        this.#recentPaths[parent + 1]!.push(path);
      }
    }
    return path;
  }

  /** The id of the path `parent` + `nameId`, interning it if there is room; NO_PATH otherwise. */
  pathId(parent: number, nameId: number): number {
    if (parent === NO_PATH || nameId === NO_NAME) return NO_PATH;
    let row = this.#children[parent + 1];
    if (row !== undefined) {
      const id = row[nameId]!;
      if (id >= 0) return id;
    }
    if (this.#pathParent.length >= this.maxPaths) return NO_PATH;
    if (row === undefined) row = this.#children[parent + 1] = new Int32Array(this.maxNames).fill(-1);
    const created = this.#pathParent.length;
    this.#pathParent.push(parent);
    this.#pathName.push(nameId);
    const name = this.#names[nameId]!;
    this.#pathStrings.push(parent === ROOT_PATH ? name : this.#pathStrings[parent]! + PATH_SEPARATOR + name);
    row[nameId] = created;
    return created;
  }

  name(id: number): string {
    return this.#names[id]!;
  }

  /** The name id of a path's last element. */
  pathLeaf(pathId: number): number {
    return this.#pathName[pathId]!;
  }

  pathString(pathId: number): string {
    return this.#pathStrings[pathId]!;
  }

  /** The names along a path, root first. */
  pathNames(pathId: number): string[] {
    const names: string[] = [];
    for (let id = pathId; id !== ROOT_PATH; id = this.#pathParent[id]!) names.push(this.#names[this.#pathName[id]!]!);
    return names.reverse();
  }
}
