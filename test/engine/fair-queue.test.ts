import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Piscina, type PiscinaTask } from 'piscina';
import {
  MAX_BYPASSES,
  ShortestRemainingQueue,
  uploadTasks,
  WINDOW_DECODER_STEPS,
} from '../../src/engine/fair-queue.ts';

/** A stand-in for piscina's queued task: only its queue options matter to the queue. */
function task(name: string, remaining?: number): PiscinaTask {
  return {
    name,
    [Piscina.queueOptionsSymbol]: remaining === undefined ? null : { remaining },
  } as unknown as PiscinaTask;
}

const drain = (queue: ShortestRemainingQueue): string[] => {
  const names: string[] = [];
  for (let next = queue.shift(); next; next = queue.shift()) names.push(next.name);
  return names;
};

describe('ShortestRemainingQueue', () => {
  it('starts the task with the fewest remaining first, ties and unordered tasks in submission order', () => {
    const queue = new ShortestRemainingQueue();
    for (const t of [task('long-a', 40), task('plain'), task('short', 2), task('long-b', 40), task('shorter', 1)])
      queue.push(t);
    assert.equal(queue.size, 5, 'all queued');
    assert.deepEqual(drain(queue), ['shorter', 'short', 'long-a', 'long-b', 'plain'], 'fewest remaining first');
    assert.equal(queue.shift(), null, 'empty');
  });

  it('lets a task passed over by MAX_BYPASSES later ones go next', () => {
    const queue = new ShortestRemainingQueue();
    queue.push(task('long', 60));
    const order: string[] = [];
    for (let i = 0; i <= MAX_BYPASSES; i++) {
      queue.push(task(`short-${i}`, 1));
      order.push(queue.shift()!.name);
    }
    assert.equal(order.length, MAX_BYPASSES + 1, 'one start per short submission');
    assert.deepEqual(
      order.slice(0, MAX_BYPASSES),
      Array.from({ length: MAX_BYPASSES }, (_, i) => `short-${i}`),
      'shorts first',
    );
    assert.equal(order[MAX_BYPASSES], 'long', 'then the starved long task, ahead of a shorter one');
  });

  it('removes an aborted task and puts a task piscina could not place back in front', () => {
    const queue = new ShortestRemainingQueue();
    const aborted = task('aborted', 1);
    queue.push(task('a', 5));
    queue.push(aborted);
    queue.remove(aborted);
    queue.unshift(task('back', 50));
    assert.deepEqual(drain(queue), ['back', 'a'], 'the returned task first, the aborted one gone');
  });

  it("estimates an upload's tasks from its size, so a short upload's decode goes before long windows", () => {
    assert.equal(uploadTasks(32_044), 4, '1 s of 16 kHz 16-bit WAV: its decode and one window');
    assert.equal(
      uploadTasks(19_200_044),
      1 + 21 * (2 + WINDOW_DECODER_STEPS),
      '10 minutes: its decode and 21 windows by size (the header tips it over), each a mel task, an encoder pass and its decoder steps',
    );
  });
});
