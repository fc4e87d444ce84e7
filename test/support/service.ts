/**
 * Runs `amanuensis serve` as a child process, the way users run it, and posts transcriptions to it.
 */
import { BIN_PATH, type ChildService, startChildService } from '../../src/cli/child-service.ts';

export const BIN = BIN_PATH;

export type RunningService = ChildService;

/** Environment for a service that exports to `otlpUrl` quickly (short batch delay). */
export function otlpEnv(
  otlpUrl: string,
  protocol: 'http/protobuf' | 'http/json' = 'http/protobuf',
): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
}

/** Starts `amanuensis serve --port 0 ...args`, not exporting spans unless `env` says otherwise. */
export function startService(args: string[] = [], env: Record<string, string> = {}): Promise<RunningService> {
  return startChildService(args, { OTEL_TRACES_EXPORTER: 'none', ...env });
}

/** Posts a WAV as the OpenAI multipart form, with extra fields. */
export async function transcribe(
  url: string,
  wav: Uint8Array,
  fields: Record<string, string | string[]> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), 'speech.wav');
  form.set('model', 'whisper-1');
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form, headers });
}
