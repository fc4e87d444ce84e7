/**
 * Real speech fixtures for tests: espeak-ng speaks `text` (22050 Hz mono 16-bit), then sox converts
 * rate, channel count and encoding when asked. Results are cached under os.tmpdir() by a hash of
 * the request, so a test run synthesises each phrase once; writes are atomic (temp file + rename)
 * because test files run in parallel processes.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PcmEncoding } from '../../src/audio/wav-format.ts';

const run = promisify(execFile);

/** Bump when the recipe changes so stale cache entries are not reused. */
const RECIPE_VERSION = 1;

/** espeak-ng's native output rate. */
export const ESPEAK_RATE_HZ = 22050;

export interface SpeechOptions {
  /** Default: espeak-ng's own 22050 Hz. */
  sampleRateHz?: number;
  /** Default 'pcm_s16'. */
  encoding?: PcmEncoding;
  /** Default 1; more duplicate the mono voice into each channel. */
  channels?: number;
  /** espeak-ng voice, default 'en-us'. */
  voice?: string;
}

const SOX_ENCODING: Record<PcmEncoding, string[]> = {
  pcm_u8: ['-b', '8', '-e', 'unsigned-integer'],
  pcm_s16: ['-b', '16', '-e', 'signed-integer'],
  pcm_s24: ['-b', '24', '-e', 'signed-integer'],
  pcm_s32: ['-b', '32', '-e', 'signed-integer'],
  float32: ['-b', '32', '-e', 'floating-point'],
  float64: ['-b', '64', '-e', 'floating-point'],
};

const cacheDir = join(tmpdir(), 'amanuensis-speech-cache');

/** A WAV file of `text` spoken by espeak-ng, converted as `options` asks. */
export async function speechWav(text: string, options: SpeechOptions = {}): Promise<Uint8Array> {
  const voice = options.voice ?? 'en-us';
  const rate = options.sampleRateHz ?? ESPEAK_RATE_HZ;
  const encoding = options.encoding ?? 'pcm_s16';
  const channels = options.channels ?? 1;
  const key = createHash('sha256')
    .update(JSON.stringify({ RECIPE_VERSION, text, voice, rate, encoding, channels }))
    .digest('hex')
    .slice(0, 32);
  await mkdir(cacheDir, { recursive: true });
  const target = join(cacheDir, `${key}.wav`);
  try {
    return new Uint8Array(await readFile(target));
  } catch {
    // Not cached yet.
  }
  const unique = `${process.pid}.${Math.random().toString(36).slice(2)}`;
  const spoken = join(cacheDir, `${key}.${unique}.espeak.wav`);
  const converted = join(cacheDir, `${key}.${unique}.sox.wav`);
  try {
    await run('espeak-ng', ['-v', voice, '-w', spoken, text]);
    // -D: no dither, so the bytes (and the cache) are deterministic.
    await run('sox', ['-D', spoken, '-r', String(rate), '-c', String(channels), ...SOX_ENCODING[encoding], converted]);
    await rename(converted, target);
    return new Uint8Array(await readFile(target));
  } finally {
    await rm(spoken, { force: true });
    await rm(converted, { force: true });
  }
}
