/**
 * Memory per upload: peak RSS growth of the service process (main thread and worker threads, one
 * process) while `uploads` long 8 kHz u8 WAVs are transcribed at once, over their total size, and
 * RSS after the service has idled. The service is warmed first with two 35 s requests at once, so
 * each worker thread has run every task (weights, tables, encoder activations: fixed costs, not
 * the uploads'). The audio is quiet noise with no speech: what scales with the audio (PCM, mel)
 * is held the same as for speech, and encoder rows, which wait for at most one window's decoding
 * with speech at temperature 0, are let go at once; the decoder, whose memory does not scale with
 * the audio, has no tokens to make, and the run takes seconds, not minutes.
 */
import { readFileSync } from 'node:fs';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { startChildService } from '../src/cli/child-service.ts';
import { TRANSCRIPTIONS_ROUTE } from '../src/telemetry/names.ts';

const RATE_HZ = 8000;
const WARM_S = 35;
const SAMPLE_MS = 10;

export interface MemoryOptions {
  /** Uploads sent at once. */
  uploads: number;
  /** Audio per upload, seconds. */
  seconds: number;
  /** How long the service idles after the uploads before RSS is read again, ms. */
  idleMs: number;
  log?: (line: string) => void;
}

export interface MemoryResult {
  uploadBytes: number;
  baseRssBytes: number;
  peakRssBytes: number;
  idleRssBytes: number;
  /** Peak RSS growth over the uploads' total size. */
  peakRatio: number;
}

/** `seconds` of deterministic quiet noise (about -50 dBFS) as an 8 kHz mono u8 WAV. */
export function quietWav(seconds: number): Uint8Array {
  const samples = new Float32Array(seconds * RATE_HZ);
  let state = 0x9e3779b9;
  for (let i = 0; i < samples.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    samples[i] = (state / 2 ** 32 - 0.5) * 0.006;
  }
  return encodeWav(samples, RATE_HZ, { encoding: 'pcm_u8' });
}

/** The process's resident set now, bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

async function transcribe(url: string, wav: Uint8Array): Promise<void> {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), 'speech.wav');
  form.set('model', 'whisper-1');
  const response = await fetch(`${url}${TRANSCRIPTIONS_ROUTE}`, { method: 'POST', body: form });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`an upload was answered ${response.status}`);
}

/** Runs the measurement on a fresh `serve` process, and stops it. */
export async function measureMemory(options: MemoryOptions): Promise<MemoryResult> {
  const service = await startChildService([], { OTEL_TRACES_EXPORTER: 'none' });
  try {
    const pid = service.child.pid!;
    const warm = quietWav(WARM_S);
    await Promise.all([transcribe(service.url, warm), transcribe(service.url, warm)]);
    const wav = quietWav(options.seconds);
    const baseRssBytes = rssBytes(pid);
    let peakRssBytes = baseRssBytes;
    // RSS has no event to wait on: it is sampled while the uploads run.
    const sampler = setInterval(() => {
      peakRssBytes = Math.max(peakRssBytes, rssBytes(pid));
    }, SAMPLE_MS);
    try {
      await Promise.all(Array.from({ length: options.uploads }, () => transcribe(service.url, wav)));
    } finally {
      clearInterval(sampler);
    }
    peakRssBytes = Math.max(peakRssBytes, rssBytes(pid));
    await new Promise((resolve) => setTimeout(resolve, options.idleMs));
    const idleRssBytes = rssBytes(pid);
    const uploadBytes = wav.length;
    const peakRatio = (peakRssBytes - baseRssBytes) / (options.uploads * uploadBytes);
    const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
    options.log?.(
      `memory: ${options.uploads} x ${options.seconds} s (${mb(uploadBytes)} MB): RSS ${mb(baseRssBytes)} -> peak ` +
        `${mb(peakRssBytes)} -> idle ${mb(idleRssBytes)} MB, ${peakRatio.toFixed(1)}x per upload`,
    );
    return { uploadBytes, baseRssBytes, peakRssBytes, idleRssBytes, peakRatio };
  } finally {
    await service.stop();
  }
}
