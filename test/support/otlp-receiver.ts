/**
 * Starts the OTLP/HTTP receiver in a separate process (as a collector would be) and reads back
 * what it received.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ReceivedSpan } from './otlp-decode.ts';

export type { ReceivedSpan };

export interface Receiver {
  /** Base URL, e.g. for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans(): Promise<ReceivedSpan[]>;
  /** Exports received so far, by encoding. */
  counts(): Promise<{ protobuf: number; json: number; rejected: number }>;
  /** Polls until `predicate` holds for the received spans (exports arrive after batch delays). */
  waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface Dump {
  counts: { protobuf: number; json: number; rejected: number };
  spans: Array<Omit<ReceivedSpan, 'startNs' | 'endNs'> & { startNs: string; endNs: string }>;
}

/** Spawns the receiver; `fail` makes it answer every export with 503. */
export async function startReceiver(options: { fail?: boolean } = {}): Promise<Receiver> {
  const child: ChildProcess = spawn(
    process.execPath,
    [new URL('./otlp-receiver-process.ts', import.meta.url).pathname, ...(options.fail ? ['--fail'] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  let exported: () => void = () => {};
  lines.on('line', () => exported());
  /** Resolves at the next export or after `timeoutMs`; `cancel` stops the timer. */
  const nextExport = (timeoutMs: number): { done: Promise<void>; cancel: () => void } => {
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      exported = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return { done, cancel: () => clearTimeout(timer) };
  };

  const dump = async (): Promise<Dump> => (await (await fetch(`${url}/spans`)).json()) as Dump;
  const spans = async (): Promise<ReceivedSpan[]> =>
    (await dump()).spans.map((s) => ({ ...s, startNs: BigInt(s.startNs), endNs: BigInt(s.endNs) }));

  return {
    url,
    spans,
    counts: async () => (await dump()).counts,
    async waitForSpans(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const next = nextExport(Math.max(1, deadline - Date.now()));
        const received = await spans();
        if (predicate(received) || Date.now() >= deadline) next.cancel();
        if (predicate(received)) return received;
        if (Date.now() >= deadline)
          throw new Error(
            `timed out waiting for spans; have ${received.length}: ${[...new Set(received.map((s) => s.name))].join(', ')}`,
          );
        await next.done;
      }
    },
    async close() {
      if (child.exitCode !== null) return;
      lines.close();
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
