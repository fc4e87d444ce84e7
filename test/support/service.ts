/**
 * Runs `amanuensis serve` as a child process, the way users run it, and tells the test its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/amanuensis.js', import.meta.url));

export interface RunningService {
  url: string;
  child: ChildProcess;
  /** Everything the process printed on stdout so far. */
  output: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Environment for a service that exports to `otlpUrl` quickly (short batch delay). */
export function otlpEnv(otlpUrl: string, protocol: 'http/protobuf' | 'http/json' = 'http/protobuf'): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

/** Starts `amanuensis serve --port 0 ...args` and waits for its listening line. */
export async function startService(args: string[] = [], env: Record<string, string> = {}): Promise<RunningService> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      output.push(line);
      const match = /^amanuensis listening on (\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${errors.join('')}`)));
  });
  return {
    url,
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Posts a WAV as the OpenAI multipart form, with extra fields. */
export async function transcribe(url: string, wav: Uint8Array, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), 'speech.wav');
  form.set('model', 'whisper-1');
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form, headers });
}
