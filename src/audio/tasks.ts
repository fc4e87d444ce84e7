/**
 * The audio worker tasks (registered by the engine's task table as 'audio.decode' and 'mel').
 * Plain functions of (payload, recorder): no OpenTelemetry here, stages go to the StageRecorder
 * and the main thread replays them as spans.
 */
import type { StageRecorder } from '../telemetry/recorder.ts';
import { type DecodedAudio, decodeAudio } from './decode.ts';
import { logMelSpectrogram } from './mel.ts';

export type { DecodedAudio } from './decode.ts';

export interface DecodeAudioPayload {
  bytes: Uint8Array;
  maxDurationS: number;
}

/** 'audio.decode': WAV bytes -> 16 kHz mono. Throws a CodedError for bad audio. */
export function decodeAudioTask(payload: DecodeAudioPayload, _rec: StageRecorder): DecodedAudio {
  return decodeAudio(payload.bytes, { maxDurationS: payload.maxDurationS });
}

export interface MelPayload {
  pcm: Float32Array;
}

export interface MelResult {
  /** Bin-major [bins][frames]. */
  mel: Float32Array;
  frames: number;
  bins: number;
}

/** 'mel': 80-bin Whisper log-mel; records mel.fft, mel.log_mel and mel.normalize at level 'medium'. */
export function melTask(payload: MelPayload, rec: StageRecorder): MelResult {
  return logMelSpectrogram(payload.pcm, { recorder: rec });
}
