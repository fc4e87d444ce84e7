/**
 * `collect.ingest_ratio_to_decode`: spans per second through `collect` (OTLP/HTTP protobuf POSTs,
 * decoded, turned into nodes, held for the completion wait and rolled up) over spans per second
 * of a bare protobufjs decode of the same payloads with the same official OTLP definitions. The
 * receiver runs in its own process, as in production; the bare decode in this one. Payloads are
 * what an SDK's BatchSpanProcessor sends: 512 spans an export, traces of ten spans whose
 * attributes are those of an HTTP service.
 *
 * Both rates are per second of CPU time (the receiver process's, all of it: HTTP, decoding, the
 * engine, its garbage collection; the decoding loop's): on two cores shared with other work, wall
 * time measures the neighbours as much as the code. The wall-clock rate through the receiver is
 * reported beside it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { otlpTypes } from '../src/collect/otlp-proto.ts';
import { median } from './stats.ts';

const SPANS_PER_EXPORT = 512;
const SPANS_PER_TRACE = 10;
/** Exports in flight at once, as several services (or BatchSpanProcessors) would send them. */
const CONNECTIONS = 8;

function stringAttribute(key: string, value: string): Record<string, unknown> {
  return { key, value: { stringValue: value } };
}

function intAttribute(key: string, value: number): Record<string, unknown> {
  return { key, value: { intValue: value } };
}

/** Bytes the first half of every trace id begins with, so that a sender can rewrite them. */
const TRACE_MARK = Buffer.from('AMANUENS');

/** `count` exports of SPANS_PER_EXPORT spans each, encoded; trace ids differ across exports, and
 *  each begins with TRACE_MARK (see `renumber`). */
export function collectPayloads(count: number): Buffer[] {
  const { request: type } = otlpTypes();
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const payloads: Buffer[] = [];
  for (let e = 0; e < count; e++) {
    const spans: Record<string, unknown>[] = [];
    for (let s = 0; s < SPANS_PER_EXPORT; s++) {
      const trace = Buffer.alloc(16);
      TRACE_MARK.copy(trace, 0);
      trace.writeUInt32BE(e, 8);
      trace.writeUInt32BE(Math.floor(s / SPANS_PER_TRACE) + 1, 12);
      const inTrace = s % SPANS_PER_TRACE;
      const start = startNs + BigInt(e * 1_000_000 + inTrace * 1000);
      spans.push({
        traceId: trace,
        spanId: Buffer.from((s + 1).toString(16).padStart(16, '0'), 'hex'),
        parentSpanId:
          inTrace === 0 ? Buffer.alloc(0) : Buffer.from((s - inTrace + 1).toString(16).padStart(16, '0'), 'hex'),
        flags: 0x101,
        name: inTrace === 0 ? 'POST /v1/orders' : `stage.${inTrace}`,
        kind: inTrace === 0 ? 2 : 1,
        startTimeUnixNano: start.toString(),
        endTimeUnixNano: (start + BigInt(50_000 + ((s * 7919) % 900_000))).toString(),
        attributes:
          inTrace === 0
            ? [
                stringAttribute('http.request.method', 'POST'),
                stringAttribute('url.path', '/v1/orders'),
                stringAttribute('http.route', '/v1/orders'),
                intAttribute('http.response.status_code', 200),
                stringAttribute('server.address', 'orders.internal'),
                intAttribute('server.port', 8080),
              ]
            : [stringAttribute('stage.kind', 'cpu'), intAttribute('stage.items', s % 32)],
        status: { code: 0 },
      });
    }
    const message = type.fromObject({
      resourceSpans: [
        {
          resource: {
            attributes: [
              stringAttribute('service.name', 'orders'),
              stringAttribute('service.version', '1.4.2'),
              stringAttribute('service.instance.id', 'orders-7f9c'),
              stringAttribute('host.name', 'node-12'),
              intAttribute('process.pid', 4242),
              stringAttribute('telemetry.sdk.language', 'nodejs'),
              stringAttribute('telemetry.sdk.name', 'opentelemetry'),
              stringAttribute('telemetry.sdk.version', '2.0.0'),
            ],
          },
          scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.201.0' }, spans }],
        },
      ],
    });
    payloads.push(Buffer.from(type.encode(message).finish()));
  }
  return payloads;
}

/** Spans per CPU second and per wall second of decoding every payload, `rounds` times over. */
export function measureDecode(payloads: readonly Buffer[], rounds: number): { perCpuS: number; perWallS: number } {
  const { request: type } = otlpTypes();
  let sink = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let r = 0; r < rounds; r++)
    for (const payload of payloads)
      sink += (type.decode(payload) as unknown as { resourceSpans: unknown[] }).resourceSpans.length;
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (sink !== rounds * payloads.length) throw new Error('decode lost a message');
  const spans = rounds * payloads.length * SPANS_PER_EXPORT;
  return { perCpuS: spans / ((used.user + used.system) / 1e6), perWallS: spans / wallS };
}

/** The receiver's health with its RSS and the CPU time it has used (µs). */
export interface ReceiverState {
  spans: number;
  waiting_spans: number;
  rss_bytes: number;
  cpu_us: number;
}

/** A `collect` receiver in its own process (bench/collect-process.ts). */
export interface CollectProcess {
  url: string;
  /** Asks the receiver to roll up what waits; resolves with its health afterwards. */
  complete(): Promise<ReceiverState>;
  /** Its health, RSS and CPU time now. */
  state(): Promise<ReceiverState>;
  close(): Promise<void>;
}

/** Starts the receiver process with startCollector `options`. */
export async function startCollectProcess(options: Record<string, unknown> = {}): Promise<CollectProcess> {
  const script = fileURLToPath(new URL('./collect-process.ts', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const url = (await lines.next()).value as string;
  const control = (await lines.next()).value as string;
  return {
    url,
    async complete() {
      const response = await fetch(`${control}/bench/complete`, { method: 'POST' });
      return (await response.json()) as ReceiverState;
    },
    async state() {
      return (await (await fetch(`${control}/bench/state`)).json()) as ReceiverState;
    },
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** POSTs one protobuf export to `url`'s /v1/traces, reads the answer whole, and returns its status. */
async function postExport(url: string, body: Buffer, dispatcher: Agent): Promise<number> {
  const response = await request(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
    dispatcher,
  });
  await response.body.arrayBuffer();
  return response.statusCode;
}

/** Spans per CPU second of the receiver and per wall second: every payload POSTed over
 *  `connections` keep-alive connections, then every trace rolled up. */
export async function measureIngest(
  receiver: CollectProcess,
  payloads: readonly Buffer[],
  connections: number,
): Promise<{ perCpuS: number; perWallS: number; rssBytes: number }> {
  const dispatcher = new Agent({ connections, pipelining: 1 });
  const before = await receiver.complete();
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < payloads.length) {
      const body = payloads[next++]!;
      const status = await postExport(receiver.url, body, dispatcher);
      if (status !== 200) throw new Error(`collect answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const after = await receiver.complete();
  const wallS = (performance.now() - started) / 1000;
  await dispatcher.close();
  const spans = after.spans - before.spans;
  if (spans !== payloads.length * SPANS_PER_EXPORT || after.waiting_spans !== 0)
    throw new Error(`collect took ${spans} spans, ${after.waiting_spans} waiting`);
  return {
    perCpuS: spans / ((after.cpu_us - before.cpu_us) / 1e6),
    perWallS: spans / wallS,
    rssBytes: after.rss_bytes,
  };
}

/** Interleaved rounds of decode and ingest: the ratio per round (CPU), and the rates. */
export async function measureCollectIngest(options: { exports: number; rounds: number }): Promise<{
  ratios: number[];
  ingestSpansPerCpuS: number;
  ingestSpansPerWallS: number;
  decodeSpansPerCpuS: number;
}> {
  const payloads = collectPayloads(options.exports);
  const receiver = await startCollectProcess();
  try {
    // Warm both paths (protobufjs generates its decoders on first use; V8 optimises them).
    measureDecode(payloads, 1);
    await measureIngest(receiver, payloads, CONNECTIONS);
    const ratios: number[] = [];
    const decode: number[] = [];
    const ingest: number[] = [];
    const wall: number[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const decoded = measureDecode(payloads, 1);
      const ingested = await measureIngest(receiver, payloads, CONNECTIONS);
      ratios.push(ingested.perCpuS / decoded.perCpuS);
      decode.push(decoded.perCpuS);
      ingest.push(ingested.perCpuS);
      wall.push(ingested.perWallS);
    }
    return {
      ratios,
      ingestSpansPerCpuS: median(ingest),
      ingestSpansPerWallS: median(wall),
      decodeSpansPerCpuS: median(decode),
    };
  } finally {
    await receiver.close();
  }
}

/** A copy of `payload` whose trace ids carry `round` in place of their mark: the same spans as
 *  new traces, as a long-running sender's would be. */
export function renumber(payload: Buffer, offsets: readonly number[], round: number): Buffer {
  const copy = Buffer.from(payload);
  for (const offset of offsets) copy.writeUInt32BE(round >>> 0, offset);
  return copy;
}

/** Where TRACE_MARK occurs in `payload`. */
export function markOffsets(payload: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = payload.indexOf(TRACE_MARK); at >= 0; at = payload.indexOf(TRACE_MARK, at + 1)) offsets.push(at);
  return offsets;
}

/** What an overload did to the receiver. */
export interface OverloadResult {
  /** Spans in every export sent, accepted or not, per second. */
  offeredSpansPerS: number;
  acceptedSpansPerS: number;
  /** Exports answered 503 (too many at once). */
  refusedExports: number;
  /** The receiver's RSS at start and at its highest, sampled every 250 ms. */
  baseRssBytes: number;
  peakRssBytes: number;
  /** Its highest count of waiting spans, and the bound. */
  peakWaitingSpans: number;
  rssSamples: number[];
}

/**
 * Sends exports (new trace ids each time) over `connections` connections as fast as the receiver
 * takes or refuses them for `seconds`, sampling its RSS: the memory bound under more load than it
 * can take.
 */
export async function measureOverload(
  receiver: CollectProcess,
  options: { seconds: number; connections: number; exports?: number },
): Promise<OverloadResult> {
  const payloads = collectPayloads(options.exports ?? 64);
  const offsets = payloads.map(markOffsets);
  const dispatcher = new Agent({ connections: options.connections, pipelining: 1 });
  const base = await receiver.state();
  const samples: number[] = [];
  let peakWaiting = 0;
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  let round = 0;
  const started = performance.now();
  const stopAt = started + options.seconds * 1000;
  const sampler = setInterval(() => {
    receiver
      .state()
      .then((state) => {
        samples.push(state.rss_bytes);
        peakWaiting = Math.max(peakWaiting, state.waiting_spans);
      })
      // A sample lost to a busy receiver is only a sample.
      .catch(() => {});
  }, 250);
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const index = round % payloads.length;
      const body = renumber(payloads[index]!, offsets[index]!, ++round);
      sent++;
      try {
        if ((await postExport(receiver.url, body, dispatcher)) === 200) accepted++;
        else refused++;
      } catch {
        // The receiver closes a connection whose export it refused unread.
        refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  clearInterval(sampler);
  const elapsedS = (performance.now() - started) / 1000;
  await dispatcher.close();
  return {
    offeredSpansPerS: (sent * SPANS_PER_EXPORT) / elapsedS,
    acceptedSpansPerS: (accepted * SPANS_PER_EXPORT) / elapsedS,
    refusedExports: refused,
    baseRssBytes: base.rss_bytes,
    peakRssBytes: Math.max(base.rss_bytes, ...samples),
    peakWaitingSpans: peakWaiting,
    rssSamples: samples,
  };
}
