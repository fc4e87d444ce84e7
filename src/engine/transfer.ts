/**
 * Moving large typed arrays between the main thread and pool workers instead of copying them.
 * `postMessage` clones an ArrayBuffer unless it is in the transfer list; a transferred buffer
 * changes threads without a copy and is detached (length 0) on the sending side. An upload's PCM
 * is 8x the upload at 16 kHz float32, so every clone of it is a copy the size of the whole request
 * again, held until the receiving thread's next GC (docs/reliability.md, memory).
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';

/**
 * The buffer behind `view` when it may be transferred: a plain (not shared) ArrayBuffer that the
 * view spans whole. A view into a larger buffer (a pooled small Buffer, a subarray) is not: moving
 * it would detach memory that other views still read.
 */
export function ownBuffer(view: ArrayBufferView): ArrayBuffer | undefined {
  const { buffer } = view;
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return undefined;
  return view.byteOffset === 0 && view.byteLength === buffer.byteLength ? buffer : undefined;
}

/** The transferable buffers among `views` (each at most once). */
export function transferList(...views: ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) {
    const buffer = ownBuffer(view);
    if (buffer) buffers.add(buffer);
  }
  return [...buffers];
}

/** A worker task's result whose buffers go back to the main thread moved, not cloned. */
export class Moved<T> {
  readonly value: T;
  readonly buffers: ArrayBuffer[];

  constructor(value: T, buffers: ArrayBuffer[]) {
    this.value = value;
    this.buffers = buffers;
  }
}

/** Marks `value` so the worker moves the buffers of `views` (those that may be moved) with it. */
export function moveResult<T>(value: T, ...views: ArrayBufferView[]): Moved<T> {
  return new Moved(value, transferList(...views));
}

/** A worker's reply in the form piscina posts with a transfer list (marked by its `move`). */
export function movable<T>(value: T, buffers: ArrayBuffer[]): unknown {
  if (buffers.length === 0) return value;
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value } as unknown as Parameters<typeof move>[0]);
}
