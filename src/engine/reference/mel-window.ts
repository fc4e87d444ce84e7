/**
 * The 'mel.window' worker task: the log-mel of one 30 s window of long audio, before
 * normalization (which needs every window's maximum), and the window's voiced 20 ms frames for the
 * decoder's speech plan. The payload holds only the samples the window reads, so a task's message
 * stays one window's size whatever the upload's length.
 */
import { type LogMelWindow, logMelFrames } from '../../audio/mel.ts';
import { shrinkSamples } from '../../audio/pcm.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import { type Moved, moveResult } from '../transfer.ts';
import { voicedFrames } from './speech-plan.ts';

export interface MelWindowPayload {
  /** Samples [offset, offset + pcm.length) of the audio. */
  pcm: Float32Array;
  offset: number;
  /** The whole audio's length in samples (the last window reflects at its end). */
  length: number;
  /** Mel frames [from, from + count). */
  from: number;
  count: number;
  /** Samples [start, end) whose 20 ms frames this window reports as voiced or not. */
  voiced: { start: number; end: number };
}

export interface MelWindowResult extends LogMelWindow {
  voiced: Uint8Array;
}

/** One window's log-mel and voiced frames, both moved (not cloned) to the main thread. */
export function melWindowTask(payload: MelWindowPayload, rec: StageRecorder): Moved<MelWindowResult> {
  const { pcm, offset, length, from, count, voiced } = payload;
  const window = logMelFrames({ pcm, offset, length }, from, count, { recorder: rec });
  const result = { ...window, voiced: voicedFrames(pcm.subarray(voiced.start - offset, voiced.end - offset)) };
  // Read, the samples go now rather than at this thread's next collection (when they are shrinkable).
  shrinkSamples(pcm, 0);
  return moveResult(result, result.mel, result.voiced);
}
