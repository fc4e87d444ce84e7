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

export class SpanRegistry {
  readonly maxNames: number;
  readonly maxPaths: number;
  readonly #nameIds = new Map<string, number>();
  readonly #names: string[] = [];
  /** Key (parent path + 1) * (maxNames + 1) + name id -> path id. */
  readonly #pathIds = new Map<number, number>();
  readonly #pathParent: number[] = [];
  readonly #pathName: number[] = [];
  readonly #pathStrings: string[] = [];

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

  /** The id of the path `parent` + `nameId`, interning it if there is room; NO_PATH otherwise. */
  pathId(parent: number, nameId: number): number {
    if (parent === NO_PATH || nameId === NO_NAME) return NO_PATH;
    const key = (parent + 1) * (this.maxNames + 1) + nameId;
    const id = this.#pathIds.get(key);
    if (id !== undefined) return id;
    if (this.#pathParent.length >= this.maxPaths) return NO_PATH;
    const created = this.#pathParent.length;
    this.#pathParent.push(parent);
    this.#pathName.push(nameId);
    const name = this.#names[nameId]!;
    this.#pathStrings.push(parent === ROOT_PATH ? name : this.#pathStrings[parent]! + PATH_SEPARATOR + name);
    this.#pathIds.set(key, created);
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
