/**
 * Request trees for the attribution tests: a SERVER root over transcribe with decode, mel (with
 * log-mel), encoder and decoder stages one after another, with a gap before and after transcribe
 * (so each request has known unattributed time), optional extra time planted in mel.log_mel, and
 * a deterministic jitter so that durations differ.
 */
import { type Context, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanSpec } from './spans.ts';

export const ROOT = 'POST /v1/audio/transcriptions';
/** Unattributed time of every `transcription`: 2 ms before transcribe, 3 ms after it, 2 ms of
 *  mel after log-mel and 1 ms either side of the kernel in the encoder. */
export const GAP_MS = 9;

/** One request; `jitter` (ms) lengthens the encoder, `extraLogMelMs` the log-mel stage. */
export function transcription(jitter = 0, extraLogMelMs = 0): SpanSpec {
  const decodeEnd = 2 + 5;
  const logMelEnd = decodeEnd + 8 + extraLogMelMs;
  const melEnd = logMelEnd + 2;
  const encoderEnd = melEnd + 40 + jitter;
  const decoderEnd = encoderEnd + 30;
  return {
    name: ROOT,
    kind: SpanKind.SERVER,
    start: 0,
    end: decoderEnd + 3,
    children: [
      {
        name: 'transcribe',
        start: 2,
        end: decoderEnd,
        children: [
          { name: 'audio.decode', start: 2, end: decodeEnd },
          {
            name: 'mel',
            start: decodeEnd,
            end: melEnd,
            children: [{ name: 'mel.log_mel', start: decodeEnd, end: logMelEnd }],
          },
          {
            name: 'encoder',
            start: melEnd,
            end: encoderEnd,
            children: [{ name: 'npu.kernel_execution', start: melEnd + 1, end: encoderEnd - 1 }],
          },
          { name: 'decoder', start: encoderEnd, end: decoderEnd },
        ],
      },
    ],
  };
}

/** A processor that hands every span to `target` (switched between requests): splits one stream of spans between replicas. */
export class Router implements SpanProcessor {
  target: SpanProcessor;

  constructor(target: SpanProcessor) {
    this.target = target;
  }

  onStart(span: Span, context: Context): void {
    this.target.onStart(span, context);
  }

  onEnd(span: ReadableSpan): void {
    this.target.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
