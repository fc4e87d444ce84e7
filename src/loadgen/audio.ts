/**
 * The audio a run uploads, as ready multipart bodies: built-in generated clips (made and encoded
 * once per run) or the user's files of any format, sent as they are (read once, and a WAV's
 * header validated, before anything is sent). Every request of a scenario shares these Buffers.
 */
import { readFile } from 'node:fs/promises';
import { type ClipKind, clipDurationS, makeClip } from '../audio/clips.ts';
import { readWavLayout } from '../audio/wav.ts';
import { encodeWav } from '../audio/wav-encode.ts';
import { UsageError } from '../core/command-errors.ts';
import { audioFormat } from './audio-format.ts';
import { buildTranscriptionBody } from './multipart.ts';
import type { AudioSpec, BuiltinAudio, ResponseFormat } from './options.ts';

/** The sample rate built-in clips are generated and encoded at. */
export const CLIP_SAMPLE_RATE_HZ = 16_000;

/** One upload body and the audio seconds it carries. */
export interface PreparedClip {
  /** Null when only the target can tell (a compressed format): then its answer's `duration` counts. */
  durationS: number | null;
  body: Buffer;
  contentType: string;
}

/** A scenario's uploads; request i sends clips[i % clips.length]. */
export interface PreparedAudio {
  clips: PreparedClip[];
}

/** The clips a built-in name stands for, in rotation order. */
export function builtinKinds(name: BuiltinAudio): ClipKind[] {
  return name === 'mixed' ? ['1s', '5s'] : [name];
}

/** Builds each clip body at most once per run, however many scenarios use it. */
export class AudioLibrary {
  readonly #model: string;
  readonly #responseFormat: ResponseFormat;
  readonly #builtins = new Map<ClipKind, PreparedClip>();
  readonly #files = new Map<string, PreparedClip>();

  constructor(model: string, responseFormat: ResponseFormat = 'json') {
    this.#model = model;
    this.#responseFormat = responseFormat;
  }

  async prepare(spec: AudioSpec): Promise<PreparedAudio> {
    if (spec.kind === 'builtin') return { clips: builtinKinds(spec.name).map((kind) => this.#builtin(kind)) };
    const clips: PreparedClip[] = [];
    for (const path of spec.paths) clips.push(await this.#file(path));
    return { clips };
  }

  #builtin(kind: ClipKind): PreparedClip {
    let clip = this.#builtins.get(kind);
    if (!clip) {
      clip = {
        durationS: clipDurationS(kind),
        ...buildTranscriptionBody(encodeWav(makeClip(kind), CLIP_SAMPLE_RATE_HZ), this.#model, {
          responseFormat: this.#responseFormat,
        }),
      };
      this.#builtins.set(kind, clip);
    }
    return clip;
  }

  async #file(path: string): Promise<PreparedClip> {
    const known = this.#files.get(path);
    if (known) return known;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new UsageError(
        `--audio '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}${code && code !== 'ENOENT' && code !== 'EISDIR' ? ` (${code})` : ''}`,
      );
    }
    if (bytes.length === 0) throw new UsageError(`--audio '${path}' is empty`);
    const format = audioFormat(path, bytes);
    let durationS: number | null = null;
    if (format.wav) {
      try {
        const layout = readWavLayout(bytes);
        if (layout.frames === 0) throw new Error('it holds no audio frames');
        durationS = layout.durationS;
      } catch (error) {
        throw new UsageError(
          `--audio '${path}' is not a usable WAV file: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const clip: PreparedClip = {
      durationS,
      ...buildTranscriptionBody(bytes, this.#model, {
        extension: format.extension,
        fileType: format.contentType,
        responseFormat: this.#responseFormat,
      }),
    };
    this.#files.set(path, clip);
    return clip;
  }
}
