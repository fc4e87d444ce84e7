/**
 * Load generator benchmark (called by bench/run.ts; also runnable alone: `node bench/loadgen.ts`).
 * Goal: the load generator must not be the bottleneck it measures, so against a trivial 127.0.0.1 endpoint, our request rate is >= 0.9 of
 * autocannon's measured in the same run (client spans off), with the client's own event-loop
 * delay reported so its stalls are never mistaken for server latency.
 *
 * The server runs in a child process so it does not share the client's event loop; both clients
 * post the same multipart body over the same number of keep-alive connections. They run back to
 * back in rounds (alternating who goes first), and the result is the median over rounds of the
 * paired ratio: on a small shared machine other processes steal whole runs, and pairing adjacent
 * runs plus the median keeps one stolen run from deciding the result either way.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { ClientSpans } from '../src/loadgen/client-spans.ts';
import { TargetClient } from '../src/loadgen/http-client.ts';
import { buildTranscriptionBody } from '../src/loadgen/multipart.ts';
import { DEFAULT_MODEL } from '../src/loadgen/options.ts';
import { runScenario } from '../src/loadgen/run-scenario.ts';
import { TRANSCRIPTIONS_ROUTE } from '../src/telemetry/names.ts';

/** The smallest useful transcription endpoint: read the upload, answer `{"text":"ok"}`. */
const TRIVIAL_SERVER = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => { response.setHeader('content-type', 'application/json'); response.end('{"text":"ok"}'); });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

/** autocannon ships no types; the slice of its programmatic API used here. */
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  method: string;
  body: Buffer;
  headers: Record<string, string>;
}) => Promise<{ requests: { total: number }; duration: number; non2xx: number; errors: number }>;

const ROUNDS = 5;

export interface LoadgenBenchResult {
  ratio: number;
  ours_rps: number;
  autocannon_rps: number;
  client_event_loop_p99_ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', TRIVIAL_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [url] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { url, stop: () => child.kill() };
}

/** Runs both clients against one trivial server and compares their best request rates. */
export async function measureLoadgenVsAutocannon(options: {
  durationS: number;
  connections: number;
}): Promise<LoadgenBenchResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const server = await startServer();
  const samples = new Float32Array(1600).map((_, i) => Math.sin(i / 10) * 0.1);
  const upload = buildTranscriptionBody(encodeWav(samples, 16000), DEFAULT_MODEL);
  const rounds: { ours: number; theirs: number; loopP99Ms: number }[] = [];
  let ours = 0;
  let theirs = 0;
  let loopP99 = 0;
  const runAutocannon = async (): Promise<void> => {
    const result = await autocannon({
      url: `${server.url}${TRANSCRIPTIONS_ROUTE}`,
      connections: options.connections,
      duration: options.durationS,
      method: 'POST',
      body: upload.body,
      headers: { 'content-type': upload.contentType },
    });
    theirs = result.requests.total / options.durationS;
  };
  const runOurs = async (): Promise<void> => {
    const client = new TargetClient(server.url, { connections: options.connections, timeoutMs: 10_000 });
    try {
      const run = await runScenario(
        {
          name: 'bench',
          model: 'closed',
          streams: options.connections,
          audio: { kind: 'files', paths: [] },
          durationS: options.durationS,
          warmup: options.connections,
        },
        { client, audio: { clips: [{ durationS: 0.1, ...upload }] }, spans: new ClientSpans(false), headers: {} },
      );
      ours = run.stats.completed / run.wallS;
      loopP99 = run.eventLoopDelayP99Ms;
    } finally {
      await client.close();
    }
  };
  try {
    // Alternate who goes first, so neither always inherits the other's warm server.
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of round % 2 === 0 ? [runAutocannon, runOurs] : [runOurs, runAutocannon]) await run();
      rounds.push({ ours, theirs, loopP99Ms: loopP99 });
    }
  } finally {
    server.stop();
  }
  return {
    ratio: Number(median(rounds.map((r) => r.ours / r.theirs)).toFixed(3)),
    ours_rps: Math.round(median(rounds.map((r) => r.ours))),
    autocannon_rps: Math.round(median(rounds.map((r) => r.theirs))),
    client_event_loop_p99_ms: Number(median(rounds.map((r) => r.loopP99Ms)).toFixed(3)),
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await measureLoadgenVsAutocannon({ durationS: 5, connections: 16 }), null, 2));
}
