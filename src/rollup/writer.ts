/**
 * Writes the span summary to a file periodically and at shutdown, atomically: the JSON goes to a
 * temporary file in the same folder, is synced, and is renamed over the target, so a reader (or
 * a crash) never sees a torn file. Writes are serialised, so the last one started wins.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let temporaryCounter = 0;

/** Writes `text` to `path` atomically (temp file in the same folder + fsync + rename). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${++temporaryCounter}.tmp`);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export interface SummaryWriterOptions {
  /** The file to write (its folder must exist). */
  path: string;
  /** Produces the document to write (e.g. () => processor.summary()). */
  summary: () => unknown;
  /** Milliseconds between periodic writes; 0 or absent: only flush() and close() write. */
  intervalMs?: number;
  /** Receives errors of periodic writes (flush and close reject instead). Default: one line on stderr. */
  onError?: (error: Error) => void;
}

export interface SummaryWriter {
  /** Writes the current summary now; resolves once it is on disk. */
  flush(): Promise<void>;
  /** Stops the periodic writes and writes the final summary. Later calls return the same promise. */
  close(): Promise<void>;
}

/** Starts writing `options.summary()` to `options.path` every `intervalMs`. */
export function startSummaryWriter(options: SummaryWriterOptions): SummaryWriter {
  let queue: Promise<void> = Promise.resolve();
  let closing: Promise<void> | undefined;
  const onError =
    options.onError ??
    ((error: Error) => process.stderr.write(`span summary: cannot write ${options.path}: ${error.message}\n`));

  const write = (): Promise<void> => {
    const next = queue.then(() => writeFileAtomic(options.path, `${JSON.stringify(options.summary(), null, 2)}\n`));
    queue = next.catch(() => {});
    return next;
  };

  const interval = options.intervalMs ?? 0;
  const timer =
    interval > 0 ? setInterval(() => write().catch((error: unknown) => onError(asError(error))), interval) : undefined;
  timer?.unref();

  return {
    flush: () => (closing ? closing : write()),
    close() {
      if (!closing) {
        if (timer) clearInterval(timer);
        closing = write();
      }
      return closing;
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
