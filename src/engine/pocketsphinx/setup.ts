/**
 * Where the PocketSphinx engine's pieces live and how to get them: Debian's model files, the
 * native addon built from native/ by `npm run build:pocketsphinx`, and the one command that
 * installs and builds everything, named in every "unavailable" error.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Debian packages the engine needs (runtime library, model, and headers for the addon). */
export const DEBIAN_PACKAGES = [
  'pocketsphinx',
  'pocketsphinx-en-us',
  'libpocketsphinx-dev',
  'libsphinxbase-dev',
] as const;

/** What builds the addon: the npm script in a checkout (running .ts); in the installed package its
 *  install script, which `npm rebuild` runs again once the libraries are there. */
const BUILD_COMMAND = import.meta.url.endsWith('.ts') ? 'npm run build:pocketsphinx' : 'npm rebuild amanuensis-otel';

/** The one setup command, printed whenever something is missing. */
export const SETUP_COMMAND = `apt-get install -y ${DEBIAN_PACKAGES.join(' ')} && ${BUILD_COMMAND}`;

/** The repository's native/ folder (binding.gyp and the C sources). */
export const NATIVE_DIR = fileURLToPath(new URL('../../../native/', import.meta.url));

/** Where node-gyp leaves the addon. */
export const ADDON_PATH = join(NATIVE_DIR, 'build', 'Release', 'pocketsphinx.node');

/** Debian's model directory; AMANUENSIS_POCKETSPHINX_MODEL_DIR overrides it (same layout). */
export function modelDir(): string {
  return process.env.AMANUENSIS_POCKETSPHINX_MODEL_DIR || '/usr/share/pocketsphinx/model/en-us';
}

/** The acoustic model, language model and dictionary inside `dir`. */
export function modelFiles(dir: string): { hmm: string; lm: string; dict: string } {
  return { hmm: join(dir, 'en-us'), lm: join(dir, 'en-us.lm.bin'), dict: join(dir, 'cmudict-en-us.dict') };
}

/**
 * Decoder arguments: the library's defaults (those of `pocketsphinx_continuous`) except that
 * silence frames are kept, so segment frames stay on the audio's own timeline (the engine
 * recognises each request as one utterance; see docs/pocketsphinx.md).
 */
export function decoderArgs(dir: string): string[] {
  const files = modelFiles(dir);
  return ['-hmm', files.hmm, '-lm', files.lm, '-dict', files.dict, '-remove_silence', 'no'];
}

/** One word of the decoder's best path, as the addon returns it. */
export interface RawWord {
  /** Dictionary spelling: `read(2)` for an alternate pronunciation, `<s>`, `<sil>`, `[NOISE]` for fillers. */
  word: string;
  /** Inclusive 10 ms frame indices from the start of the audio. */
  startFrame: number;
  endFrame: number;
  /** Natural log of the word's posterior probability in the lattice. */
  logPosterior: number;
  /** Language-model id of the base word; -1 for fillers. */
  lmId: number;
}

/** What one native decode returns. Stage boundaries are process.hrtime() milliseconds. */
export interface RawResult {
  /** The decoder's best hypothesis, fillers and alternate-pronunciation marks removed. */
  text: string;
  score: number;
  logPosterior: number;
  frames: number;
  words: RawWord[];
  hrtimeMs: {
    frontendStart: number;
    frontendEnd: number;
    searchStart: number;
    searchEnd: number;
    postStart: number;
    postEnd: number;
  };
}

/** Opaque native recogniser handle. */
export type RecognizerHandle = { readonly __brand: 'pocketsphinx-recognizer' };

/** The native addon (native/src/addon.c). */
export interface PocketSphinxAddon {
  open(args: string[]): Promise<RecognizerHandle>;
  decode(handle: RecognizerHandle, pcm: Float32Array): Promise<RawResult>;
  close(handle: RecognizerHandle): void;
}

/** An Error that says what is missing and the command that fixes it. */
export function unavailable(reason: string): Error {
  return new Error(`PocketSphinx engine unavailable: ${reason}. Install and build it with: ${SETUP_COMMAND}`);
}

/** Checks the model files and loads the addon; throws `unavailable(...)` naming what is missing. */
export function loadAddon(dir: string = modelDir()): PocketSphinxAddon {
  for (const path of Object.values(modelFiles(dir))) {
    if (!existsSync(path)) throw unavailable(`the US-English model is not installed (missing ${path})`);
  }
  if (!existsSync(ADDON_PATH)) throw unavailable(`the native addon is not built (missing ${ADDON_PATH})`);
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as PocketSphinxAddon;
  } catch (error) {
    throw unavailable(`the native addon failed to load (${error instanceof Error ? error.message : String(error)})`);
  }
}
