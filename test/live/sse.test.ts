import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sseComment, sseEvent, sseRetry } from '../../src/live/sse.ts';
import { type Parsed, parseStream } from './sse-client.ts';

function parse(text: string): Parsed {
  const parsed: Parsed = { events: [], comments: [], retries: [] };
  const rest = parseStream(text, parsed);
  assert.equal(rest, '', 'every block is complete');
  return parsed;
}

describe('sse framing', () => {
  it('frames an event as id, event and data lines ended by a blank line', () => {
    assert.equal(sseEvent('snapshot', '{"a":1}', '7'), 'id: 7\nevent: snapshot\ndata: {"a":1}\n\n', 'the exact bytes');
    assert.equal(sseEvent('snapshot', 'x'), 'event: snapshot\ndata: x\n\n', 'no id line without an id');
  });

  it('splits data at every kind of line break so that the browser joins it back with newlines', () => {
    const data = 'one\ntwo\r\nthree\rfour';
    const { events } = parse(sseEvent('snapshot', data));
    assert.deepEqual(
      events,
      [{ event: 'snapshot', data: 'one\ntwo\nthree\nfour' }],
      'one event, its lines joined by \\n',
    );
  });

  it('keeps line breaks out of the event name and id, where they would start a new field', () => {
    const text = sseEvent('snap\nshot', 'x', '1\ndata: injected');
    const { events } = parse(text);
    assert.equal(events.length, 1, 'still one event');
    assert.equal(events[0]!.data, 'x', 'no injected data line');
    assert.equal(events[0]!.event, 'snap shot', 'the break became a space');
  });

  it('frames comments and the retry hint as the browser reads them', () => {
    const parsed = parse(sseRetry(1500.4) + sseComment('heartbeat\nagain') + sseEvent('snapshot', '{}'));
    assert.deepEqual(parsed.retries, [1500], 'retry in whole milliseconds');
    assert.deepEqual(parsed.comments, ['heartbeat again'], 'one comment line');
    assert.equal(parsed.events.length, 1, 'comments and retry dispatch no event');
  });
});
