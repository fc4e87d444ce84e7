/**
 * A transcription's deadline scales with its audio, so that no admitted work is bound to time out.
 * The service learns its own pace online: seconds of processing per second of audio, averaged
 * over the requests it completed, and never below what its timed-out requests prove, on whatever
 * engine, device and load it runs. A request's deadline is the configured `--request-timeout-s` or
 * DEADLINE_MARGIN times its estimated cost, whichever is longer. Before anything was measured the
 * configured timeout applies unchanged: the service extends nothing on a guess.
 *
 * Why scale rather than refuse: 10 minutes of 16 kHz audio take about 170 s here (npu-sim, two
 * worker threads), over the default 120 s. Refusing would make the default `--max-duration-s 600`
 * unreachable on this machine; scaling lets work that was accepted finish (docs/reliability.md).
 */
import { readWavLayout } from '../audio/wav.ts';

/** Weight of the past at each new observation: the estimate follows about the last ten requests. */
const DECAY = 0.9;

/** Deadline over estimated cost: room for a request that meets more contention than the average. */
export const DEADLINE_MARGIN = 1.5;

/** The learnt pace; see the module comment. */
export class ProcessingRate {
  private weightedSeconds = 0;
  private weightedAudioS = 0;
  /** What timed-out requests prove: the pace is at least this. Fades as requests complete. */
  private floor = 0;

  /**
   * Records a completed request: `seconds` of processing for `audioS` of audio. Weighted by
   * duration, so a long request counts for more than a short clip, whose fixed costs overstate
   * the pace.
   */
  completed(audioS: number, seconds: number): void {
    if (!(audioS > 0) || !(seconds >= 0)) return;
    this.weightedSeconds = this.weightedSeconds * DECAY + seconds;
    this.weightedAudioS = this.weightedAudioS * DECAY + audioS;
    this.floor *= DECAY;
  }

  /**
   * Records a request cut off after `seconds`: a lower bound only, so it is kept apart from the
   * average (mixed in, it would pull the estimate down).
   */
  timedOut(audioS: number, seconds: number): void {
    if (audioS > 0 && seconds >= 0) this.floor = Math.max(this.floor, seconds / audioS);
  }

  /** Seconds of processing per second of audio; undefined until a request was measured. */
  get secondsPerAudioS(): number | undefined {
    const average = this.weightedAudioS > 0 ? this.weightedSeconds / this.weightedAudioS : 0;
    const rate = Math.max(average, this.floor);
    return rate > 0 ? rate : undefined;
  }

  /** The processing deadline for `audioS` of audio (unknown: `baseMs`), ms. */
  deadlineMs(audioS: number | undefined, baseMs: number): number {
    const rate = this.secondsPerAudioS;
    if (audioS === undefined || rate === undefined) return baseMs;
    return Math.max(baseMs, Math.ceil(DEADLINE_MARGIN * rate * audioS * 1000));
  }
}

/**
 * The audio's duration from its WAV header alone, before any sample is decoded; undefined when
 * the header is bad (the pipeline then refuses it with the precise error).
 */
export function audioDurationS(file: Uint8Array): number | undefined {
  try {
    return readWavLayout(file).durationS;
  } catch {
    return undefined;
  }
}
