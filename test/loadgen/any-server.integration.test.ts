/**
 * The load generator against servers that are not ours: any path, extra headers, a model name,
 * audio of any format sent byte for byte, the audio length taken from the answer (or left
 * unknown, never made up), and the open model's cap on requests in flight.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseLoadOptions } from '../../src/loadgen/options.ts';
import type { LoadResults } from '../../src/loadgen/results.ts';
import { runLoad } from '../../src/loadgen/run-load.ts';
import { renderLoadText } from '../../src/report/terminal-load.ts';
import { cliArgs } from '../support/cli-args.ts';
import { startFakeTarget } from './fake-target.ts';
import { parseForm } from './form.ts';
import { load } from './helpers.ts';

describe('amanuensis load against any server', () => {
  let dir: string;
  let mp3: Buffer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgen-any-'));
    // An ID3 tag and frame-sync bytes: what an MP3 starts with; the rest need not decode here.
    mp3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), randomBytes(3000)]);
    await writeFile(join(dir, 'speech.mp3'), mp3);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('sends a non-WAV file byte for byte with its type, to --path with every --header and --model, and takes the audio length from the answer', async () => {
    const secret = `sk-header-${randomBytes(6).toString('hex')}`;
    const target = await startFakeTarget({
      path: '/api/asr',
      answer: () => ({ status: 200, body: '{"text":"ok","duration":2.5}' }),
    });
    try {
      const out = join(dir, 'answered.json');
      const exit = await load(
        cliArgs({
          url: target.url,
          path: '/api/asr',
          header: [`Authorization: Bearer ${secret}`, 'X-Tenant: acme'],
          model: 'large-v3',
          responseFormat: 'verbose_json',
          audio: join(dir, 'speech.mp3'),
          streams: 1,
          requests: 3,
          warmup: 0,
          out,
        }),
      );
      assert.equal(exit.code, 0, `the run completes (stderr: ${exit.stderr})`);
      const posts = target.arrivals.filter((a) => a.method === 'POST');
      assert.equal(posts.length, 4, 'the preflight request and the three measured ones');
      for (const post of posts) {
        assert.equal(post.path, '/api/asr', 'sent to --path');
        assert.equal(post.headers.authorization, `Bearer ${secret}`, 'the Authorization header arrives');
        assert.equal(post.headers['x-tenant'], 'acme', 'a custom header arrives');
      }
      const form = await parseForm(posts[0]!.body, posts[0]!.contentType);
      assert.ok(form.file.equals(mp3), 'the file part is the file, byte for byte');
      assert.equal(form.mimeType, 'audio/mpeg', 'with an MP3 content type');
      assert.equal(form.fileName, 'clip.mp3', 'under a neutral name with the fitting extension');
      assert.deepEqual(form.fields, { model: 'large-v3', response_format: 'verbose_json' }, 'model and format');
      const results = JSON.parse(await readFile(out, 'utf8')) as LoadResults;
      const [scenario] = results.scenarios;
      assert.equal(results.path, '/api/asr', 'the results name the path');
      assert.equal(scenario!.audio_s, 7.5, "three answers' duration of 2.5 s");
      assert.ok(
        scenario!.throughput_rtf !== null && scenario!.throughput_rtf > 0,
        'the realtime factor comes from those seconds',
      );
      const written = exit.stdout + exit.stderr + (await readFile(out, 'utf8'));
      assert.ok(!written.includes(secret), 'the header value is neither printed nor written');
    } finally {
      await target.close();
    }
  });

  it('reports audio seconds and RTF as unknown (null, n/a) when neither the file nor the answer gives a length', async () => {
    const target = await startFakeTarget();
    try {
      const out = join(dir, 'unknown.json');
      const exit = await load(
        cliArgs({ url: target.url, audio: join(dir, 'speech.mp3'), streams: 1, requests: 2, warmup: 0, out }),
      );
      assert.equal(exit.code, 0, `the run completes (stderr: ${exit.stderr})`);
      const [scenario] = (JSON.parse(await readFile(out, 'utf8')) as LoadResults).scenarios;
      assert.equal(scenario!.succeeded, 2, 'both requests succeeded');
      assert.equal(scenario!.audio_s, null, 'audio seconds unknown, not zero');
      assert.equal(scenario!.throughput_rtf, null, 'RTF unknown, not made up');
      assert.match(exit.stdout, /^1x2 files .*\bn\/a\b/m, 'the table row says n/a');
      assert.match(exit.stdout, /RTF n\/a: the audio length is unknown/, 'and why');
    } finally {
      await target.close();
    }
  });
});

describe('the open model with --max-in-flight', () => {
  it('never has more requests or connections open than the cap, and counts the requests it could not send on time as late', async () => {
    const target = await startFakeTarget({ delayMs: 100 });
    try {
      // 50/s against 100 ms answers needs 5 in flight; a cap of 2 serves 20/s, so most are late.
      const options = parseLoadOptions({
        url: target.url,
        rate: '50',
        requests: '20',
        warmup: '0',
        maxInFlight: '2',
        trace: false,
      });
      const results = await runLoad(options);
      const [scenario] = results.scenarios;
      assert.equal(scenario!.requests, 20, 'every request was sent in the end');
      assert.equal(scenario!.succeeded, 20, 'and answered');
      assert.ok(target.maxInProgress() <= 2, `at most 2 requests at the server at once (${target.maxInProgress()})`);
      assert.ok(target.postConnections() <= 2, `at most 2 connections carried them (${target.postConnections()})`);
      assert.equal(scenario!.max_in_flight, 2, 'the cap is in the results');
      assert.ok(
        scenario!.late! >= 10 && scenario!.late! <= 20,
        `at 20/s of capacity, at least half of 20 requests due at 50/s were late (${scenario!.late})`,
      );
      const text = renderLoadText(results);
      assert.match(text, /\blate\b/, 'the table has a late column');
      assert.match(
        text,
        new RegExp(`late: ${scenario!.late} requests waited for one of the 2 places in flight`),
        'and says what late means',
      );
      assert.ok(
        scenario!.latency_ms.max! >= 300,
        `the wait for a place counts in the latency from the intended start (max ${scenario!.latency_ms.max} ms)`,
      );
    } finally {
      await target.close();
    }
  });
});
