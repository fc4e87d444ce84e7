/**
 * Runs `amanuensis serve` as a child process and learns its URL from the first stdout line. A
 * separate process keeps the service's telemetry (its own SDK and resource) and its CPU apart from
 * the load generator's, as they are in production.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The CLI entry script. */
export const BIN_PATH = fileURLToPath(new URL('../../bin/amanuensis.js', import.meta.url));

const LISTENING = /^amanuensis listening on (\S+)$/;

export interface ChildService {
  url: string;
  child: ChildProcess;
  /** Lines the service printed on stdout after the listening line. */
  output: string[];
  /** Signals the service (SIGTERM by default) and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `amanuensis serve --port 0 <args>` with `env` added to this process's environment. */
export async function startChildService(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<ChildService> {
  const child = spawn(process.execPath, [BIN_PATH, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null): void => {
      const detail = errors.join('').trim().split('\n').pop() ?? '';
      reject(new Error(`the service exited (${code}) before listening${detail ? `: ${detail}` : ''}`));
    };
    child.once('exit', onExit);
    child.once('error', reject);
    lines.on('line', (line) => {
      const match = LISTENING.exec(line);
      if (match) {
        child.off('exit', onExit);
        resolve(match[1]!);
      } else output.push(line);
    });
  });
  return {
    url,
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
