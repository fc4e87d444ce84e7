/**
 * Shared pieces of the load generator tests: a ready upload body without the built-in clip
 * generator, closed and open scenario specs, and `amanuensis load` run as a child process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import type { PreparedAudio } from '../../src/loadgen/audio.ts';
import { buildTranscriptionBody } from '../../src/loadgen/multipart.ts';
import type { ScenarioSpec } from '../../src/loadgen/options.ts';

/** `seconds` of quiet noise at 16 kHz as one shared upload. */
export function preparedAudio(seconds: number): PreparedAudio {
  const samples = new Float32Array(Math.round(16000 * seconds)).map((_, i) => Math.sin(i / 10) * 0.1);
  return { clips: [{ durationS: seconds, ...buildTranscriptionBody(encodeWav(samples, 16000), 'whisper-1') }] };
}

export function closed(streams: number, requests: number, warmup = 0): ScenarioSpec {
  return {
    name: `${streams}x${requests} test`,
    model: 'closed',
    streams,
    audio: { kind: 'files', paths: [] },
    requests,
    warmup,
  };
}

export function open(rate: number, durationS: number, warmup = 0): ScenarioSpec {
  return { name: `${rate}/s test`, model: 'open', rate, audio: { kind: 'files', paths: [] }, durationS, warmup };
}

const BIN = fileURLToPath(new URL('../../bin/amanuensis.js', import.meta.url));

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `amanuensis load ...args` (no span export unless `env` sets one) and collects its output. */
export function load(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, 'load', ...args], {
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
