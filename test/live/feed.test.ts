/**
 * LiveFeed's bound on a watcher that stops reading, with a stand-in response whose unsent bytes
 * the test sets (a real socket would need megabytes in the kernel's buffers first).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { LiveFeed } from '../../src/live/feed.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { waitUntil } from '../support/wait.ts';

/** What the feed uses of a response: headers, writes, the unsent bytes, close and destroy. */
class StandIn extends EventEmitter {
  writableLength = 0;
  written: string[] = [];
  destroyed = false;
  writeHead(): this {
    return this;
  }
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
  end(): void {
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

describe('LiveFeed', () => {
  it('drops a watcher whose unsent bytes pass the bound, and keeps the others', async (t) => {
    const processor = new RollupSpanProcessor();
    const feed = new LiveFeed({ summary: () => processor.summary(), intervalMs: 20, maxBufferedBytes: 4096 });
    t.after(async () => {
      feed.close();
      await processor.shutdown();
    });
    const slow = new StandIn();
    const quick = new StandIn();
    const request = {} as IncomingMessage;
    feed.accept(request, slow as unknown as ServerResponse);
    feed.accept(request, quick as unknown as ServerResponse);
    assert.equal(feed.clients, 2, 'two watchers');
    slow.writableLength = 4097;
    await waitUntil('the slow watcher to be dropped', () => slow.destroyed);
    assert.equal(feed.clients, 1, 'the other watcher stays');
    const before = quick.written.length;
    await waitUntil('the other watcher to get more snapshots', () => quick.written.length > before + 1);
  });
});
