/**
 * Every span name and attribute key this project emits, in one place, so the span catalog
 * (docs/spans.md), the rollups and the tests all agree with the code.
 */

/**
 * Instrumentation detail, coarsest first: a stage is recorded when its level is at or below the
 * configured one, so `coarse` costs least and `fine` names every layer and kernel launch.
 */
export const DETAILS = ['coarse', 'medium', 'fine'] as const;
export type Detail = (typeof DETAILS)[number];

/** The detail of a service that was not told otherwise: every stage, not every layer. */
export const DEFAULT_DETAIL: Detail = 'medium';

/** Numeric rank of a detail level, for cheap comparisons on hot paths. */
export function detailRank(detail: Detail): number {
  return detail === 'coarse' ? 0 : detail === 'medium' ? 1 : 2;
}

/** `service.name` of the transcription service, unless OTEL_SERVICE_NAME says otherwise. */
export const SERVICE_NAME = 'amanuensis';
/** `service.name` of the load generator's process, and its tracer's name. */
export const LOADGEN_SERVICE_NAME = 'amanuensis-loadgen';

/** The service's one transcription endpoint (OpenAI's path), which also names its SERVER span. */
export const TRANSCRIPTIONS_ROUTE = '/v1/audio/transcriptions';
/** Readiness and facts about the service; answered without an API key. */
export const HEALTH_PATH = '/health';
/** The live span summary document. */
export const SPAN_SUMMARY_PATH = '/v1/span-summary';
/** Prometheus exposition of the span-duration histograms. */
export const METRICS_PATH = '/metrics';
/** The live page, which draws the snapshots of EVENTS_PATH. */
export const LIVE_PATH = '/live';
/** Server-Sent Events: a snapshot of the rollups every second, for the live page. */
export const EVENTS_PATH = '/v1/events';
/**
 * Paths polled by tools or watched by people, not requests worth a trace: they make no SERVER
 * span (an event stream's would last as long as someone watches and count as a slow request).
 */
export const UNTRACED_PATHS: readonly string[] = [HEALTH_PATH, METRICS_PATH, SPAN_SUMMARY_PATH, LIVE_PATH, EVENTS_PATH];

export const SPAN = {
  /** The SERVER span instrumentation-http makes: the method and the route the handler sets. */
  HTTP_SERVER: `POST ${TRANSCRIPTIONS_ROUTE}`,
  TRANSCRIBE: 'transcribe',
  AUDIO_DECODE: 'audio.decode',
  MEL: 'mel',
  MEL_FFT: 'mel.fft',
  MEL_LOG_MEL: 'mel.log_mel',
  MEL_NORMALIZE: 'mel.normalize',
  ENCODER: 'encoder',
  ENCODER_LAYER: 'encoder.layer',
  ENCODER_CONV: 'encoder.conv',
  NPU_QUEUE_WAIT: 'npu.queue_wait',
  NPU_BUFFER_TRANSFER: 'npu.buffer_transfer',
  NPU_KERNEL_EXECUTION: 'npu.kernel_execution',
  NPU_RESULT_RETRIEVAL: 'npu.result_retrieval',
  DECODER: 'decoder',
  DECODER_ATTENTION: 'decoder.attention',
  DECODER_TOKEN_GENERATION: 'decoder.token_generation',
  DECODER_POST_PROCESSING: 'decoder.post_processing',
  FRONTEND: 'frontend',
  DECODER_SEARCH: 'decoder.search',
  LOADGEN_REQUEST: 'loadgen.request',
  HTTP_UPLOAD: 'http.upload',
  HTTP_RESPONSE: 'http.response',
  RESPONSE_RENDER: 'response.render',
  ADMISSION_WAIT: 'admission.wait',
  WORKER_QUEUE_WAIT: 'worker.queue_wait',
  WORKER_SETUP: 'worker.setup',
  WORKER_FINISH: 'worker.finish',
  WORKER_REPLY: 'worker.reply',
  AUDIO_CONVERT: 'audio.convert',
  NPU_HOST_COMPUTE: 'npu.host_compute',
  NPU_COMPLETION_WAIT: 'npu.completion_wait',
  REQUEST_HANDOFF: 'request.handoff',
} as const;

/**
 * Stage spans `--inject-delay` may slow down: those made by `stage()` or a worker's
 * `StageRecorder.run`, whose own code can be made to take longer. Device-timeline spans (npu.*,
 * encoder.layer on npu-sim) take their times from the model, so a delay there would not show.
 */
export const DELAYABLE_SPANS: readonly string[] = [
  SPAN.TRANSCRIBE,
  SPAN.AUDIO_DECODE,
  SPAN.AUDIO_CONVERT,
  SPAN.MEL,
  SPAN.MEL_FFT,
  SPAN.MEL_LOG_MEL,
  SPAN.MEL_NORMALIZE,
  SPAN.ENCODER,
  SPAN.DECODER,
  SPAN.DECODER_ATTENTION,
  SPAN.DECODER_TOKEN_GENERATION,
  SPAN.DECODER_POST_PROCESSING,
];

export const ATTR = {
  AUDIO_DURATION_S: 'amanuensis.audio.duration_s',
  AUDIO_SAMPLE_RATE_HZ: 'amanuensis.audio.sample_rate_hz',
  AUDIO_CHANNELS: 'amanuensis.audio.channels',
  AUDIO_BYTES: 'amanuensis.audio.bytes',
  AUDIO_ENCODING: 'amanuensis.audio.encoding',
  MEL_FRAMES: 'amanuensis.mel.frames',
  MEL_BINS: 'amanuensis.mel.bins',
  DEVICE: 'amanuensis.device',
  OFFLOAD: 'amanuensis.offload',
  NPU_COLUMNS: 'amanuensis.npu.columns',
  NPU_COLUMN: 'amanuensis.npu.column',
  NPU_BYTES: 'amanuensis.npu.bytes',
  NPU_DIRECTION: 'amanuensis.npu.direction',
  NPU_KERNEL: 'amanuensis.npu.kernel',
  NPU_LAUNCHES: 'amanuensis.npu.launches',
  NPU_FLOPS: 'amanuensis.npu.flops',
  NPU_LAYER: 'amanuensis.npu.layer',
  ENGINE: 'amanuensis.engine',
  MODEL: 'amanuensis.model',
  // OpenTelemetry GenAI semantic conventions (incubating, so copied rather than imported).
  GEN_AI_REQUEST_MODEL: 'gen_ai.request.model',
  GEN_AI_RESPONSE_MODEL: 'gen_ai.response.model',
  GEN_AI_USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  DETAIL: 'amanuensis.detail',
  RESPONSE_FORMAT: 'amanuensis.response_format',
  DECODER_TOKENS: 'amanuensis.decoder.tokens',
  DECODER_SEGMENTS: 'amanuensis.decoder.segments',
  ERROR_CODE: 'amanuensis.error.code',
  LOADGEN_SCENARIO: 'amanuensis.loadgen.scenario',
  LOADGEN_STREAM: 'amanuensis.loadgen.stream',
  LOADGEN_AUDIO: 'amanuensis.loadgen.audio',
  LOADGEN_WARMUP: 'amanuensis.loadgen.warmup',
  POOL_QUEUED: 'amanuensis.pool.queued',
  POOL_THREADS: 'amanuensis.pool.threads',
  POOL_TASK: 'amanuensis.pool.task',
  ADMISSION_QUEUED: 'amanuensis.admission.queued',
  ADMISSION_MAX_CONCURRENT: 'amanuensis.admission.max_concurrent',
  UPLOAD_BYTES: 'amanuensis.upload.bytes',
  INJECTED_DELAY_MS: 'amanuensis.injected_delay_ms',
  HANDOFF_FROM: 'amanuensis.handoff.from',
  HANDOFF_TO: 'amanuensis.handoff.to',
} as const;
