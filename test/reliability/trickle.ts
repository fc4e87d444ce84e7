/**
 * Clients that trickle an upload (slowloris): raw sockets that send a transcription request's
 * headers and then one body byte per tick, and open a new connection a while after the service
 * closes theirs, so their number holds. Each answer's status line is recorded.
 */
import { connect, type Socket } from 'node:net';

const BOUNDARY = 'trickle-boundary';
const PART_HEAD = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
/** The body every trickler promises: far more than it will ever send. */
const DECLARED_BYTES = 100_000;

export interface TrickleOptions {
  /** Connections kept trickling. */
  count: number;
  /** Milliseconds between bytes on each connection (100: 10 bytes/s). */
  tickMs: number;
  /** Milliseconds before a closed connection is replaced. */
  reopenMs: number;
}

export interface Tricklers {
  /** Status codes of the answers tricklers received, in order. */
  readonly statuses: number[];
  /** Connections closed before any answer arrived. */
  readonly unanswered: number;
  /** Connections opened so far. */
  readonly opened: number;
  /** Resolves once `n` answers have arrived. */
  answers(n: number): Promise<void>;
  /** Stops trickling and closes every connection. */
  stop(): void;
}

interface Conn {
  socket: Socket;
  sent: number;
  head: string;
}

/** Starts `count` tricklers against `url` (http://host:port). */
export function startTricklers(url: string, options: TrickleOptions): Tricklers {
  const { hostname, port } = new URL(url);
  const request = `POST /v1/audio/transcriptions HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${DECLARED_BYTES}\r\n\r\n`;
  const body = Buffer.from(PART_HEAD + 'x'.repeat(DECLARED_BYTES - PART_HEAD.length));
  const live = new Set<Conn>();
  const statuses: number[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let unanswered = 0;
  let opened = 0;
  let stopped = false;

  const open = (): void => {
    if (stopped) return;
    opened++;
    const conn: Conn = { socket: connect(Number(port), hostname), sent: 0, head: '' };
    conn.socket.setNoDelay(true);
    conn.socket.write(request);
    live.add(conn);
    conn.socket.on('data', (chunk: Buffer) => {
      if (conn.head.length < 16) conn.head += chunk.toString('latin1');
    });
    conn.socket.on('error', () => undefined);
    conn.socket.on('close', () => {
      live.delete(conn);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(conn.head);
      if (match) statuses.push(Number(match[1]));
      else if (!stopped) unanswered++;
      for (const waiter of waiters.filter((w) => statuses.length >= w.n)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (!stopped) setTimeout(open, options.reopenMs).unref();
    });
  };

  const ticker = setInterval(() => {
    for (const conn of live) {
      if (conn.sent < body.length && conn.socket.writable) conn.socket.write(body.subarray(conn.sent, ++conn.sent));
    }
  }, options.tickMs);
  for (let i = 0; i < options.count; i++) open();

  return {
    statuses,
    get unanswered() {
      return unanswered;
    },
    get opened() {
      return opened;
    },
    answers(n) {
      if (statuses.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    stop() {
      stopped = true;
      clearInterval(ticker);
      for (const conn of live) conn.socket.destroy();
    },
  };
}
