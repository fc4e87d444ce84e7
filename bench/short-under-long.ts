/**
 * A short request beside long uploads: the latency of a 1 s clip while two 10-minute uploads
 * (the 30 s speech clip repeated, 19.2 MB each) run on the same service, over its latency alone,
 * measured in the same run on the same service. The long uploads are sent together; the 1 s
 * requests go one after another while both are in flight, for a bounded time, and the uploads are
 * then abandoned (the service aborts their work), so the step's time does not grow with the
 * machine's speed at decoding ten minutes.
 */
import { performance } from 'node:perf_hooks';
import { makeClip } from '../src/audio/clips.ts';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { startChildService } from '../src/cli/child-service.ts';
import { HEALTH_PATH, TRANSCRIPTIONS_ROUTE } from '../src/telemetry/names.ts';
import { median } from './stats.ts';

const RATE_HZ = 16000;
const LONG_S = 600;

export interface ShortUnderLongOptions {
  /** 1 s requests alone before the long uploads; their median is the anchor. */
  alone: number;
  /** How long 1 s requests keep going while the uploads run, seconds. */
  underLongS: number;
  log?: (line: string) => void;
}

export interface ShortUnderLongResult {
  aloneMs: number[];
  underLongMs: number[];
  /** Each request under the long uploads over the median alone. */
  slowdowns: number[];
}

function post(url: string, wav: Uint8Array, signal?: AbortSignal): Promise<Response> {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), 'speech.wav');
  form.set('model', 'whisper-1');
  return fetch(`${url}${TRANSCRIPTIONS_ROUTE}`, { method: 'POST', body: form, ...(signal ? { signal } : {}) });
}

async function timed(url: string, wav: Uint8Array): Promise<number> {
  const started = performance.now();
  const response = await post(url, wav);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`a 1 s request was answered ${response.status}`);
  return performance.now() - started;
}

async function inFlight(url: string): Promise<number> {
  const response = await fetch(`${url}${HEALTH_PATH}`);
  return ((await response.json()) as { in_flight: number }).in_flight;
}

function longWav(): Uint8Array {
  const unit = makeClip('30s');
  const samples = new Float32Array(LONG_S * RATE_HZ);
  for (let at = 0; at < samples.length; at += unit.length)
    samples.set(unit.subarray(0, Math.min(unit.length, samples.length - at)), at);
  return encodeWav(samples, RATE_HZ);
}

export async function measureShortUnderLong(options: ShortUnderLongOptions): Promise<ShortUnderLongResult> {
  const log = options.log ?? (() => {});
  const service = await startChildService(['--quiet'], { OTEL_TRACES_EXPORTER: 'none' });
  const uploads = new AbortController();
  try {
    const short = encodeWav(makeClip('1s'), RATE_HZ);
    await timed(service.url, short);
    const aloneMs: number[] = [];
    for (let i = 0; i < options.alone; i++) aloneMs.push(await timed(service.url, short));
    const long = longWav();
    const longs = [0, 1].map(() => post(service.url, long, uploads.signal).catch(() => undefined));
    while ((await inFlight(service.url)) < 2) await new Promise((resolve) => setImmediate(resolve));
    const underLongMs: number[] = [];
    const until = performance.now() + options.underLongS * 1000;
    while (performance.now() < until && (await inFlight(service.url)) >= 2)
      underLongMs.push(await timed(service.url, short));
    uploads.abort();
    await Promise.all(longs);
    const anchor = median(aloneMs);
    log(
      `1 s alone ${anchor.toFixed(0)} ms; beside two 10-minute uploads ${underLongMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    );
    return { aloneMs, underLongMs, slowdowns: underLongMs.map((ms) => ms / anchor) };
  } finally {
    uploads.abort();
    await service.stop();
  }
}
