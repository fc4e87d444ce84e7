/**
 * Interns span names and paths as small integers, each table bounded so a span name built from
 * user input cannot grow memory without limit. A path is (parent path, name); the root paths
 * have parent ROOT_PATH.
 *
 * Finding a span's path is on the processor's hot path, and a Map lookup by name costs more there
 * than everything else onStart does (hashing the name string and walking the table, both cold in
 * the cache). Siblings, though, start in the same order request after request, so `childPath`
 * first tries a prediction: the path that followed the previous sibling's path last time (or the
 * first child the parent path had), confirmed by comparing the name with === (the same string
 * object, for constant span names). A wrong guess costs one compare before the lookup.
 */
import { PATH_SEPARATOR } from './document.ts';

/** Parent of a one-element path. */
export const ROOT_PATH = -1;
/** "No path": the table was full, or the path is unknown. */
export const NO_PATH = -2;
/** "No name id": the name table was full. */
export const NO_NAME = -1;

// Per path p, at (p + 1) * LINK_STRIDE in #links (ROOT_PATH at 0): the path id that came after p
// among its siblings last time, p's parent, p's name id, and the first child seen under p.
const LINK_STRIDE = 4;
const NEXT = 0;
const PARENT = 1;
const NAME = 2;
const FIRST_CHILD = 3;

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

  /**
   * The path of a span named `name` under `parent` (NO_PATH when there is no room, or when
   * `parent` is NO_PATH): the same as pathId(parent, nameId(name)). `previous` is the path of the
   * sibling that started just before under the same parent span (-1 if none); it drives the
   * prediction and learns from the answer.
   */
  childPath(parent: number, name: string, previous: number): number {
    if (parent === NO_PATH) return NO_PATH;
    const links = this.#links;
    const guess =
      previous >= 0 ? links[(previous + 1) * LINK_STRIDE + NEXT]! : links[(parent + 1) * LINK_STRIDE + FIRST_CHILD]!;
    if (guess >= 0) {
      const at = (guess + 1) * LINK_STRIDE;
      if (links[at + PARENT] === parent && this.#names[links[at + NAME]!] === name) return guess;
    }
    const path = this.pathId(parent, this.nameId(name));
    if (path !== NO_PATH) {
      if (previous >= 0) links[(previous + 1) * LINK_STRIDE + NEXT] = path;
      else links[(parent + 1) * LINK_STRIDE + FIRST_CHILD] = path;
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
