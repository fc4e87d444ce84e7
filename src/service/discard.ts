/**
 * What to do with the unread body of a request that was answered early (401, 404, 405, 413, a
 * refused upload). Node's server would otherwise read and discard it to keep the connection
 * alive, without limit: one client could stream gigabytes at it after a 401. So the rest is
 * discarded up to a bound in bytes and in time, and past either the socket is closed. Within
 * them the connection stays usable: closing at once, or answering `Connection: close`, resets it
 * while an ordinary client is still sending, and that client then never reads its answer.
 */
import type { IncomingMessage } from 'node:http';

/** Most bytes of an answered request's body read and thrown away. */
export const DISCARD_MAX_BYTES = 1024 * 1024;
/** Longest time an answered request's body goes on being discarded. */
export const DISCARD_GRACE_MILLIS = 2000;

/** Discards the rest of `request`'s body within the bounds, then closes the connection. */
export function dropUnreadBody(request: IncomingMessage): void {
  if (request.complete) return;
  let discarded = 0;
  request.resume();
  const close = (): void => {
    request.off('data', count);
    request.socket.destroy();
  };
  const count = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) close();
  };
  request.on('data', count);
  const timer = setTimeout(close, DISCARD_GRACE_MILLIS);
  timer.unref();
  request.once('end', () => clearTimeout(timer));
  request.once('close', () => clearTimeout(timer));
}
