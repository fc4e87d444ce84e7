/**
 * The worker task table: every function a pool worker can run, by name. Each task is a plain
 * function `(payload, recorder) => result` with no OpenTelemetry import; the stages it records
 * come back to the main thread and are replayed as spans there.
 */

import { type DecodeAudioPayload, type DecodedAudio, decodeAudioTask, melTask } from '../audio/tasks.ts';
import { SPAN } from '../telemetry/names.ts';
import type { StageRecorder } from '../telemetry/recorder.ts';
import { decoderTask } from './reference/decoder.ts';
import { decoderSliceTask } from './reference/decoder-slice.ts';
import { type EncoderPayload, type EncoderResult, encoderTask } from './reference/encoder.ts';
import { melWindowTask } from './reference/mel-window.ts';
import type { TaskContext } from './task-context.ts';
import { type Moved, moveResult } from './transfer.ts';

type Task = (payload: never, rec: StageRecorder, context: TaskContext) => unknown;

/**
 * The decode as one worker stage: `audio.decode` itself is a main-thread span, whose children show
 * the pool's waits beside it. Its PCM, 8x the upload, moves to the main thread rather than being cloned.
 */
const convertAudioTask = (payload: DecodeAudioPayload, rec: StageRecorder): Moved<DecodedAudio> => {
  try {
    const decoded = rec.run(SPAN.AUDIO_CONVERT, 'medium', () => decodeAudioTask(payload, rec));
    return moveResult(decoded, decoded.pcm);
  } finally {
    // This thread's copy of the upload goes now, not at its next collection: a buffer transferred
    // to nothing is detached and its memory given back.
    const { buffer } = payload.bytes;
    if (buffer instanceof ArrayBuffer && !buffer.detached) buffer.transfer(0);
  }
};

/** An encoder pass; its output (3 MB a 30 s window) moves to the main thread rather than being cloned. */
const encoderPassTask = (payload: EncoderPayload, rec: StageRecorder): Moved<EncoderResult> => {
  const result = encoderTask(payload, rec);
  return moveResult(result, result.output);
};

export const TASKS = {
  'audio.decode': convertAudioTask,
  mel: melTask,
  'mel.window': melWindowTask,
  encoder: encoderPassTask,
  decoder: decoderTask,
  'decoder.slice': decoderSliceTask,
} as const satisfies Record<string, Task>;

/** Name of a task the worker pool can run. */
export type TaskName = keyof typeof TASKS;

/** Looks a task up by a name that came over a message port. */
export function findTask(
  name: string,
): ((payload: unknown, rec: StageRecorder, context: TaskContext) => unknown) | undefined {
  return Object.hasOwn(TASKS, name)
    ? (TASKS[name as TaskName] as (payload: unknown, rec: StageRecorder, context: TaskContext) => unknown)
    : undefined;
}
