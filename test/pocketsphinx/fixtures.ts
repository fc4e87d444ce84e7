/**
 * Real-speech fixtures and tools for the PocketSphinx tests: espeak-ng sentences at 16 kHz (via
 * test/support/speech.ts), the `pocketsphinx_continuous` baseline on the same WAV bytes, word
 * error counting, the skip reason when the Debian packages are absent, and building the addon
 * when it has not been built yet.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeAudio } from '../../src/audio/decode.ts';
import { buildAddon } from '../../src/engine/pocketsphinx/build.ts';
import { ADDON_PATH, DEBIAN_PACKAGES, modelDir, modelFiles, NATIVE_DIR } from '../../src/engine/pocketsphinx/setup.ts';
import { speechWav } from '../support/speech.ts';
import { waitUntil } from '../support/wait.ts';

const run = promisify(execFile);

/** espeak-ng's Klatt voice: the model recognises it far better than the default formant voice. */
export const VOICE = 'en-us+klatt';

/** Eight distinct sentences the engine recognises word for word in this voice. */
export const CLEAR_SENTENCES = [
  'the weather is nice today',
  'please call me tomorrow morning',
  'i think it is going to rain',
  'we need more time to finish the project',
  'she bought a new car last week',
  'the library is open on sunday',
  'one two three four five six seven eight nine ten',
  'how are you doing today',
] as const;

/** Sentences both recognisers get partly wrong, so the comparison is not only on easy audio. */
export const HARD_SENTENCES = [
  'open the door and turn on the light',
  'can you help me find my keys',
  'he reads the newspaper every morning',
  'the president will speak tomorrow',
] as const;

/** Why the engine's tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  const missing: string[] = [];
  if (spawnSync('pkg-config', ['--exists', 'pocketsphinx', 'sphinxbase']).status !== 0)
    missing.push('libpocketsphinx-dev/libsphinxbase-dev');
  if (!Object.values(modelFiles(modelDir())).every((path) => existsSync(path))) missing.push('pocketsphinx-en-us');
  if (spawnSync('pocketsphinx_continuous', ['-h']).error) missing.push('pocketsphinx');
  if (missing.length === 0) return undefined;
  return `PocketSphinx Debian packages absent (${missing.join(', ')}): apt-get install ${DEBIAN_PACKAGES.join(' ')}`;
}

/** How long a test waits for another test process's build before giving up. */
const BUILD_WAIT_MS = 5 * 60_000;

/**
 * Builds the addon unless it exists. Test files run in parallel processes, so one builds while
 * the others wait on a lock directory (mkdir is atomic).
 */
export async function ensureAddon(): Promise<void> {
  const lock = join(NATIVE_DIR, '.build-lock');
  const claim = (): Promise<boolean> =>
    mkdir(lock).then(
      () => true,
      () => false,
    );
  const turn = await waitUntil(
    `the addon, or our turn to build it (remove ${lock} if no build is running)`,
    async () => (existsSync(ADDON_PATH) ? 'built' : (await claim()) && 'locked'),
    { timeoutMs: BUILD_WAIT_MS, intervalMs: 250 },
  );
  if (turn === 'built') return;
  try {
    if (!existsSync(ADDON_PATH)) await buildAddon('capture');
  } finally {
    await rmdir(lock);
  }
}

export interface SpeechFixture {
  text: string;
  /** 16 kHz mono 16-bit WAV, as sent to the service and to pocketsphinx_continuous. */
  wav: Uint8Array;
  /** The same samples decoded the way the service decodes uploads. */
  pcm: Float32Array;
  durationS: number;
}

/** `text` spoken by espeak-ng at 16 kHz. */
export async function speech(text: string): Promise<SpeechFixture> {
  const wav = await speechWav(text, { sampleRateHz: 16000, voice: VOICE });
  const audio = decodeAudio(wav, { maxDurationS: 600 });
  return { text, wav, pcm: audio.pcm, durationS: audio.durationS };
}

/** What `pocketsphinx_continuous -infile` prints for `wav`, one line per utterance, joined. */
export async function continuousTranscript(wav: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amanuensis-ps-'));
  try {
    const file = join(dir, 'speech.wav');
    await writeFile(file, wav);
    const { stdout } = await run('pocketsphinx_continuous', ['-infile', file], { maxBuffer: 1 << 20 });
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Word-level edit distance (substitutions + deletions + insertions) and the reference length. */
export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const ref = reference.split(/\s+/).filter(Boolean);
  const hyp = hypothesis.split(/\s+/).filter(Boolean);
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const current = [i];
    for (let j = 1; j <= hyp.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return { errors: previous[hyp.length]!, words: ref.length };
}

/** `parts` one after another with `gapS` of silence between them. */
export function withPauses(parts: readonly Float32Array[], gapS: number): Float32Array {
  const gap = Math.round(gapS * 16000);
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0) + gap * (parts.length - 1));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length + gap;
  }
  return out;
}
