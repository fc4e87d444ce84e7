/**
 * No audio content, file names or API keys reach spans, logs or summaries, and span attribute
 * values are cut to the default limit. A raw OTLP/HTTP sink keeps every export byte for byte (so
 * attributes, events, status messages and resources are all searched), the service's stdout and
 * stderr and its summary file are captured, and distinctive markers are searched in all of them.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT } from '../../src/telemetry/sdk.ts';
import { decodeProtobuf } from '../support/otlp-decode.ts';
import { startService } from '../support/service.ts';
import { captureOutput, postWav, startRawSink, tempFolder } from './helpers.ts';

/** A valid 16-bit WAV whose sample bytes spell `marker` over and over. */
function markedWav(marker: string, seconds: number): Uint8Array {
  const text = Buffer.from(
    marker.repeat(Math.ceil((seconds * 32000) / marker.length)).slice(0, seconds * 32000),
    'latin1',
  );
  const samples = new Float32Array(text.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = text.readInt16LE(2 * i) / 32768;
  return encodeWav(samples, 16000);
}

/** The marker as plain text and as base64 at each of the three byte alignments. */
function forms(marker: string): string[] {
  const repeated = Buffer.from(marker.repeat(4), 'latin1');
  return [
    marker,
    ...[0, 1, 2].map((shift) =>
      repeated
        .subarray(shift)
        .toString('base64')
        .slice(4, 4 + marker.length),
    ),
  ];
}

describe('privacy and attribute limits', () => {
  it('keeps audio bytes, file names and API keys out of spans, logs and summaries; cuts long attribute values', async () => {
    const tag = randomBytes(6).toString('hex');
    const apiKey = `sk-canarykey-${tag}`;
    const wrongKey = `sk-canarywrong-${tag}`;
    const fileName = `canary-name-${tag}.wav`;
    const audioMarker = `AUDIOCANARY${tag.toUpperCase()}`;
    const longAgent = `ua-${'u'.repeat(5000)}`;

    const sink = await startRawSink();
    const folder = await tempFolder('privacy');
    const summaryFile = join(folder, 'span-summary.json');
    const service = await startService(
      ['--summary-out', summaryFile, '--summary-interval', '0.2', '--max-duration-s', '5'],
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        AMANUENSIS_API_KEY: apiKey,
      },
    );
    const output = captureOutput(service.child);
    try {
      const auth = { authorization: `Bearer ${apiKey}` };
      const wav = markedWav(audioMarker, 1);
      const ok = await postWav(service.url, wav, {
        filename: fileName,
        headers: { ...auth, 'user-agent': longAgent },
        fields: { response_format: 'verbose_json' },
      });
      assert.equal(ok.status, 200, 'the marked audio is transcribed');
      await ok.arrayBuffer();
      const broken = await postWav(service.url, wav.subarray(0, 30), { filename: fileName, headers: auth });
      assert.equal(broken.status, 400, 'a broken upload with the marked name is refused');
      await broken.arrayBuffer();
      const notAllowed = await postWav(service.url, wav, {
        filename: fileName,
        headers: { authorization: `Bearer ${wrongKey}` },
      });
      assert.equal(notAllowed.status, 401, 'a wrong key is refused');
      await notAllowed.arrayBuffer();
      assert.equal(await service.stop(), 0, 'clean exit (flushes spans, writes the final summary)');

      const exported = Buffer.concat(sink.bodies).toString('latin1');
      assert.ok(
        exported.includes('transcribe') && exported.includes('POST /v1/audio/transcriptions'),
        'the sink captured the request spans',
      );
      const places: Array<[string, string]> = [
        ['exported spans', exported],
        ['stdout and stderr', output()],
        ['the summary file', await readFile(summaryFile, 'utf8')],
      ];
      const secrets: Array<[string, string[]]> = [
        ['the API key', [apiKey]],
        ['the wrong API key', [wrongKey]],
        ['the file name', [fileName, `canary-name-${tag}`]],
        ['the audio bytes', forms(audioMarker)],
      ];
      for (const [place, text] of places) {
        for (const [secret, variants] of secrets) {
          for (const variant of variants)
            assert.ok(!text.includes(variant), `${secret} (${variant}) is not in ${place}`);
        }
      }

      const spans = sink.bodies.flatMap((body) => decodeProtobuf(body));
      const values = spans
        .flatMap((span) => Object.values(span.attributes))
        .filter((value): value is string => typeof value === 'string');
      const agent = values.find((value) => value.startsWith('ua-'));
      assert.equal(
        agent?.length,
        DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
        `the 5000-character user agent is cut to ${DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT}`,
      );
      assert.ok(
        values.every((value) => value.length <= DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT),
        'no attribute value is longer than the limit',
      );
    } finally {
      await service.stop();
      await sink.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
