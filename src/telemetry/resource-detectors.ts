/**
 * The SDK's resource detectors, with the process detector's command line redacted. The SDK's own
 * process detector exports `process.command_args` verbatim, so `serve --api-key sk-…` would put
 * the key into every export's resource. OTEL_NODE_RESOURCE_DETECTORS is honoured as the SDK
 * honours it (NodeSDK reads it only when given no detectors, and we must give ours).
 */
import {
  type DetectedResource,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  type ResourceDetector,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { redactArgs } from './redact.ts';

// Incubating semantic conventions are copied, not imported, as the semconv package advises.
const ATTR_PROCESS_COMMAND_ARGS = 'process.command_args';

/** processDetector with `process.command_args` passed through `redactArgs`. */
export const redactingProcessDetector: ResourceDetector = {
  detect(config): DetectedResource {
    const detected = processDetector.detect(config);
    const attributes = { ...detected.attributes };
    const args = attributes[ATTR_PROCESS_COMMAND_ARGS];
    if (Array.isArray(args)) attributes[ATTR_PROCESS_COMMAND_ARGS] = redactArgs(args.map(String));
    return { ...detected, attributes };
  },
};

const BY_NAME: ReadonlyMap<string, ResourceDetector> = new Map([
  ['serviceinstance', serviceInstanceIdDetector],
  ['process', redactingProcessDetector],
  ['host', hostDetector],
  ['os', osDetector],
  ['env', envDetector],
]);

/** The detectors OTEL_NODE_RESOURCE_DETECTORS names (`all` by default, `none` for none), the process one redacted. */
export function resourceDetectors(env: Record<string, string | undefined> = process.env): ResourceDetector[] {
  const names = (env.OTEL_NODE_RESOURCE_DETECTORS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0 || names.includes('all')) return [...BY_NAME.values()];
  if (names.includes('none')) return [];
  return names.flatMap((name) => {
    const detector = BY_NAME.get(name);
    if (!detector) process.emitWarning(`OTEL_NODE_RESOURCE_DETECTORS names an unknown detector "${name}"; ignored`);
    return detector ? [detector] : [];
  });
}
