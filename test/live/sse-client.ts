/**
 * A minimal event-stream reader for tests: parses the format as the HTML standard's EventSource
 * does (fields, comments, multi-line data, blank line dispatch) and keeps what arrived, so a test
 * can wait for the n-th event instead of sleeping.
 */
import { EventEmitter, once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';

export interface ParsedEvent {
  event: string;
  data: string;
  id?: string;
}

/** What a stream carried: events, comments and retry hints, in order of kind. */
export interface Parsed {
  events: ParsedEvent[];
  comments: string[];
  retries: number[];
}

/** Parses complete blocks of `text`; returns the unparsed rest (an unfinished block). */
export function parseStream(text: string, into: Parsed): string {
  const blocks = text.split(/\r\n\r\n|\n\n|\r\r/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const data: string[] = [];
    let event = 'message';
    let id: string | undefined;
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith(':')) {
        into.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'retry') into.retries.push(Number(value));
    }
    if (data.length > 0) into.events.push({ event, data: data.join('\n'), ...(id === undefined ? {} : { id }) });
  }
  return rest;
}

/** An open stream: its response, what it carried so far, and a way to wait for more. */
export interface StreamReader extends Parsed {
  response: IncomingMessage;
  /** Resolves once `ready` holds for what arrived; rejects naming `what` if the stream ends first. */
  until(what: string, ready: (parsed: Parsed) => boolean): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` and reads it as an event stream. */
export async function openStream(url: string): Promise<StreamReader> {
  const request = get(url);
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  const parsed: Parsed = { events: [], comments: [], retries: [] };
  const arrivals = new EventEmitter();
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer = parseStream(buffer + chunk, parsed);
    arrivals.emit('more');
  });
  const ended = new Promise<void>((resolve) => {
    response.once('end', resolve);
    response.once('close', resolve);
  });
  return {
    response,
    events: parsed.events,
    comments: parsed.comments,
    retries: parsed.retries,
    ended,
    async until(what, ready) {
      while (!ready(parsed)) {
        const more = once(arrivals, 'more').then(() => false);
        const stop = ended.then(() => true);
        if (await Promise.race([more, stop]))
          throw new Error(`the stream ended before ${what} (${parsed.events.length} events)`);
      }
    },
    close: () => request.destroy(),
  };
}
