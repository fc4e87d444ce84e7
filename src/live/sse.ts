/**
 * Server-Sent Events framing (the WHATWG HTML "event stream" format): an event is `field: value`
 * lines ended by a blank line; a value cannot hold a line break, so each line of the data is a
 * `data:` line of its own (the browser joins them with '\n'); a line starting with ':' is a
 * comment the browser ignores, which keeps proxies from closing a quiet stream.
 */

/** Any line break the format recognises: CRLF, LF or CR. */
const LINE_BREAK = /\r\n|\r|\n/;

/** Removes line breaks from a single-line field (event name, id), which would end the field early. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}

/** One event: `event` names it (the page's addEventListener), `data` may span lines. */
export function sseEvent(event: string, data: string, id?: string): string {
  const lines = data.split(LINE_BREAK).map((line) => `data: ${line}\n`);
  return `${id === undefined ? '' : `id: ${oneLine(id)}\n`}event: ${oneLine(event)}\n${lines.join('')}\n`;
}

/** A comment: ignored by the browser, it only shows the connection is alive. */
export function sseComment(text: string): string {
  return `: ${oneLine(text)}\n\n`;
}

/** How long the browser waits before reconnecting after the stream ends or breaks. */
export function sseRetry(millis: number): string {
  return `retry: ${Math.max(0, Math.round(millis))}\n\n`;
}
