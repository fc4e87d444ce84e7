/**
 * No credential leaves the process: a key planted every way a user passes one (the --api-key
 * flag, the AMANUENSIS_API_KEY variable, the Authorization header sent directly or by `load
 * --header`, another --header, a query string) is searched
 * for in everything the service and the load generator export (OTLP protobuf and JSON, raw
 * bytes, resources included), print, and write (summary, load results).
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { load } from '../loadgen/helpers.ts';
import { cliArgs } from '../support/cli-args.ts';
import { otlpEnv, startService } from '../support/service.ts';
import { captureOutput, clipWav, startRawSink, tempFolder } from './helpers.ts';

/** Span export to `url`, uncompressed so a planted key would show in the raw bytes. */
function rawExport(url: string, protocol: 'http/protobuf' | 'http/json'): Record<string, string> {
  return { ...otlpEnv(url, protocol), OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_COMPRESSION: 'none' };
}

describe('secrets', () => {
  it('keeps a key given by flag, variable, --header or query string out of exports, logs, summaries and results', async () => {
    const tag = randomBytes(6).toString('hex');
    const key = `sk-flagkey-${tag}`;
    const queryKey = `sk-querykey-${tag}`;
    const serviceSink = await startRawSink();
    const loadSink = await startRawSink();
    const folder = await tempFolder('secrets');
    const summaryFile = join(folder, 'span-summary.json');
    const service = await startService(
      ['--api-key', key, '--summary-out', summaryFile, '--summary-interval', '0.2'],
      rawExport(serviceSink.url, 'http/json'),
    );
    const serviceOutput = captureOutput(service.child);
    try {
      const form = new FormData();
      form.set('file', new Blob([clipWav('1s')], { type: 'audio/wav' }), 'speech.wav');
      form.set('model', 'whisper-1');
      const queried = await fetch(`${service.url}/v1/audio/transcriptions?api_key=${queryKey}&trace=1`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(queried.status, 200, 'a request with the key in its header and another in its query is served');
      await queried.arrayBuffer();

      const run = { streams: 1, requests: 2, warmup: 0, audio: '1s' };
      const byFlag = await load(
        cliArgs({ url: service.url, apiKey: key, ...run, out: join(folder, 'flag.json') }),
        rawExport(loadSink.url, 'http/protobuf'),
      );
      assert.equal(byFlag.code, 0, `load with --api-key runs (stderr: ${byFlag.stderr})`);
      const byVariable = await load(cliArgs({ url: service.url, ...run, out: join(folder, 'variable.json') }), {
        ...rawExport(loadSink.url, 'http/json'),
        AMANUENSIS_API_KEY: key,
      });
      assert.equal(byVariable.code, 0, `load with AMANUENSIS_API_KEY runs (stderr: ${byVariable.stderr})`);
      const byHeader = await load(
        cliArgs({
          url: service.url,
          header: [`Authorization: Bearer ${key}`, `X-Api-Key: ${key}`],
          ...run,
          out: join(folder, 'header.json'),
        }),
        rawExport(loadSink.url, 'http/json'),
      );
      assert.equal(byHeader.code, 0, `load with --header runs (stderr: ${byHeader.stderr})`);
      assert.equal(await service.stop(), 0, 'clean exit (flushes spans, writes the final summary)');

      const serviceExport = Buffer.concat(serviceSink.bodies).toString('latin1');
      const loadExport = Buffer.concat(loadSink.bodies).toString('latin1');
      assert.ok(
        serviceExport.includes('process.command_args'),
        'the service exported its resource, command line included',
      );
      assert.ok(
        serviceExport.includes('"url.query"') && serviceExport.includes('api_key&trace'),
        'the query string is described by its parameter names alone',
      );
      assert.ok(loadExport.includes('loadgen.request'), 'the load generator exported its client spans');
      const places: Array<[string, string]> = [
        ['the service export (JSON)', serviceExport],
        ['the load generator export (protobuf and JSON)', loadExport],
        ['the service output', serviceOutput()],
        [
          'the load output',
          byFlag.stdout + byFlag.stderr + byVariable.stdout + byVariable.stderr + byHeader.stdout + byHeader.stderr,
        ],
        ['the summary file', await readFile(summaryFile, 'utf8')],
        [
          'the load results',
          (await readFile(join(folder, 'flag.json'), 'utf8')) +
            (await readFile(join(folder, 'variable.json'), 'utf8')) +
            (await readFile(join(folder, 'header.json'), 'utf8')),
        ],
      ];
      for (const [place, text] of places) {
        assert.ok(!text.includes(tag), `no planted key (…${tag}) is in ${place}`);
      }
    } finally {
      await service.stop();
      await serviceSink.close();
      await loadSink.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
