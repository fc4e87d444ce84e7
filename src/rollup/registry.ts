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

// Per path p, at (p + 1) * LINK_STRIDE in #links (ROOT_PATH at 0): p's parent and p's name id.
const LINK_STRIDE = 2;
const PARENT = 0;
const NAME = 1;

export class SpanRegistry {
  readonly maxNames: number;
  readonly maxPaths: number;
  readonly #nameIds = new Map<string, number>();
  readonly #names: string[] = [];
  /** Per parent path (index parent + 1): name id -> child path id (-1: none yet), made on first use. */
  readonly #children: (Int32Array | undefined)[] = [];
  readonly #links: Int32Array;
  readonly #pathStrings: string[] = [];
  #pathCount = 0;

  constructor(maxNames: number, maxPaths: number) {
    this.maxNames = maxNames;
    this.maxPaths = maxPaths;
    this.#links = new Int32Array((maxPaths + 1) * LINK_STRIDE).fill(-1);
  }

  get nameCount(): number {
    return this.#names.length;
  }

  get pathCount(): number {
    return this.#pathCount;
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
    let row = this.#children[parent + 1];
    if (row !== undefined) {
      const id = row[nameId]!;
      if (id >= 0) return id;
    }
    if (this.#pathCount >= this.maxPaths) return NO_PATH;
    if (row === undefined) row = this.#children[parent + 1] = new Int32Array(this.maxNames).fill(-1);
    const created = this.#pathCount++;
    const at = (created + 1) * LINK_STRIDE;
    this.#links[at + PARENT] = parent;
    this.#links[at + NAME] = nameId;
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
    return this.#links[(pathId + 1) * LINK_STRIDE + NAME]!;
  }

  pathString(pathId: number): string {
    return this.#pathStrings[pathId]!;
  }

  /** The names along a path, root first. */
  pathNames(pathId: number): string[] {
    const names: string[] = [];
    for (let id = pathId; id !== ROOT_PATH; id = this.#links[(id + 1) * LINK_STRIDE + PARENT]!)
      names.push(this.#names[this.pathLeaf(id)]!);
    return names.reverse();
  }
}
