/**
 * Real SDK spans with chosen timings for rollup tests: a TracerProvider (not global) around the
 * processor under test, and a tree builder that starts parents first and ends children first.
 */
import { context, type HrTime, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Sampler, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const BASE_S = Math.floor(Date.now() / 1000);

/** An HrTime `ms` milliseconds after a fixed base near now (exact for whole microseconds). */
export function at(ms: number): HrTime {
  const whole = Math.floor(ms);
  return [BASE_S + Math.floor(whole / 1000), (whole % 1000) * 1e6 + Math.round((ms - whole) * 1e6)];
}

/** Base time of `at`, as epoch ms. */
export const BASE_MS = BASE_S * 1000;

export interface SpanSpec {
  name: string;
  start: number;
  end: number;
  kind?: SpanKind;
  error?: boolean;
  children?: SpanSpec[];
}

export interface TestTracer {
  /** Builds the tree at `offsetMs`; returns the spans made, in start order. */
  tree(spec: SpanSpec, offsetMs?: number): Span[];
  provider: TracerProvider;
}

export function testTracer(processors: SpanProcessor[], sampler?: Sampler): TestTracer {
  const provider = new TracerProvider(
    sampler ? { spanProcessors: processors, sampler } : { spanProcessors: processors },
  );
  const tracer = provider.getTracer('rollup-test');
  const tree = (spec: SpanSpec, offsetMs = 0): Span[] => {
    const made: Span[] = [];
    const visit = (node: SpanSpec, parent: Span | undefined): void => {
      const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
      const span = tracer.startSpan(
        node.name,
        { startTime: at(offsetMs + node.start), kind: node.kind ?? SpanKind.INTERNAL },
        parentContext,
      );
      made.push(span);
      for (const child of node.children ?? []) visit(child, span);
      if (node.error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(at(offsetMs + node.end));
    };
    visit(spec, undefined);
    return made;
  };
  return { tree, provider };
}

/** One traced request like the service's: SERVER > transcribe > (decode, encoder > kernels, decoder). */
export function requestSpec(scale = 1): SpanSpec {
  return {
    name: 'POST /v1/audio/transcriptions',
    kind: SpanKind.SERVER,
    start: 0,
    end: 110 * scale,
    children: [
      {
        name: 'transcribe',
        start: 2 * scale,
        end: 102 * scale,
        children: [
          { name: 'audio.decode', start: 2 * scale, end: 12 * scale },
          {
            name: 'encoder',
            start: 12 * scale,
            end: 62 * scale,
            children: [
              { name: 'npu.kernel_execution', start: 14 * scale, end: 34 * scale },
              { name: 'npu.kernel_execution', start: 34 * scale, end: 54 * scale },
            ],
          },
          { name: 'decoder', start: 62 * scale, end: 92 * scale },
        ],
      },
    ],
  };
}
