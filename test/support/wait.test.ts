import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitUntil } from './wait.ts';

describe('waitUntil', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await waitUntil('the third call', () => (++calls === 3 ? 'ready' : undefined), { intervalMs: 1 });
    assert.equal(value, 'ready', 'the awaited value is returned');
    assert.equal(calls, 3, 'checks stop once the value is ready');
  });

  it('accepts a value only when `until` says so, and returns it', async () => {
    let count = 0;
    const value = await waitUntil('a count of 2', async () => count++, { intervalMs: 1, until: (n) => n >= 2 });
    assert.equal(value, 2, 'zero is a value like any other under `until`');
  });

  it('fails at the deadline naming what it waited for and the last value seen', async () => {
    let calls = 0;
    await assert.rejects(
      waitUntil(
        'the queue to drain',
        () => {
          calls++;
          return { queued: 3 };
        },
        {
          timeoutMs: 30,
          intervalMs: 5,
          until: (h) => h.queued === 0,
        },
      ),
      (error: Error) => {
        assert.match(error.message, /timed out after 30 ms waiting for the queue to drain/, 'names what');
        assert.match(error.message, /last seen: \{ queued: 3 \}/, 'shows the last value');
        return true;
      },
      'a state that never comes fails the wait',
    );
    assert.ok(calls >= 2, `checked more than once before giving up (${calls})`);
  });

  it('fails at once on an error unless told to retry, then reports the last error', async () => {
    const refuse = (): never => {
      throw new Error('connection refused');
    };
    await assert.rejects(waitUntil('a server', refuse), /connection refused/, 'the error itself, without waiting');
    await assert.rejects(
      waitUntil('a server', refuse, { timeoutMs: 20, intervalMs: 5, retryErrors: true }),
      /waiting for a server; last error: connection refused/,
      'retried errors are reported at the deadline',
    );
  });
});
