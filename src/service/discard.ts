/**
 * What to do with the unread body of a request that was answered early (401, 404, 405, 413, a
 * refused upload). Node's server would otherwise read and discard it to keep the connection
 * alive, without limit: one client could stream gigabytes at it after a 401. So the rest is
 * discarded up to a bound in bytes and in time, and past either the socket is closed. Within
 * them the connection stays usable: closing at once, or answering `Connection: close`, resets it
 * while an ordinary client is still sending, and that client then never reads its answer.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Most bytes of an answered request's body read and thrown away. */
export const DISCARD_MAX_BYTES = 1024 * 1024;
/** Longest time an answered request's body goes on being discarded. */
export const DISCARD_GRACE_MILLIS = 2000;

/** How long a closed connection waits, no longer reading, before it is torn down. */
export const LINGER_MILLIS = 500;

/**
 * Closes a connection whose client is still sending. Destroying it at once would answer the data
 * in flight with a reset, and a reset can take the client's unread answer with it. So the
 * answer's end is followed by our FIN, reading stops (the client's window closes and its writes
 * block), and only after a linger the socket is destroyed.
 */
function lingerClose(socket: Socket): void {
  socket.pause();
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MILLIS).unref();
}

/** Discards the rest of `request`'s body within the bounds, then closes the connection. */
export function dropUnreadBody(request: IncomingMessage): void {
  if (request.complete) return;
  let discarded = 0;
  request.resume();
  const close = (): void => {
    request.off('data', count);
    lingerClose(request.socket);
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

/**
 * Closes the connection of an answered request whose body is not worth waiting for at all (a
 * client dropped for sending too slowly): no discarding, only the linger that lets it read the answer.
 */
export function closeUnread(request: IncomingMessage): void {
  if (!request.complete) lingerClose(request.socket);
}
