import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../../src/core/errors.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';
import { transcriptionParams } from '../../src/service/request-params.ts';

function upload(fields: Record<string, string | string[]>, file: Buffer | null = Buffer.from('RIFF')) {
  return {
    file: file ?? undefined,
    fields: new Map(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
  };
}

function rejects(
  fields: Record<string, string | string[]>,
  code: string,
  param: string | null,
  file: Buffer | null = Buffer.from('RIFF'),
): void {
  assert.throws(
    () => transcriptionParams(upload(fields, file)),
    (error: unknown) => {
      assert.ok(error instanceof CodedError, 'CodedError');
      assert.equal(toErrorEnvelope(error).status, 400, `400 for ${code}`);
      assert.equal(error.code, code, 'code');
      assert.equal(error.param, param, 'param');
      return true;
    },
  );
}

describe('transcriptionParams', () => {
  it('defaults to json, temperature 0, segments and no words', () => {
    const params = transcriptionParams(upload({ model: 'whisper-1' }));
    assert.equal(params.responseFormat, 'json', 'json default');
    assert.equal(params.temperature, 0, 'temperature default');
    assert.equal(params.words, false, 'no words');
    assert.equal(params.segments, true, 'segments');
    assert.equal(params.model, 'whisper-1', 'model kept');
  });

  it('accepts word granularity with verbose_json', () => {
    const params = transcriptionParams(
      upload({ response_format: 'verbose_json', 'timestamp_granularities[]': ['word'] }),
    );
    assert.equal(params.words, true, 'words');
    assert.equal(params.segments, false, 'segments not asked');
  });

  it('refuses a missing or empty file, unknown formats and bad values, naming the parameter', () => {
    rejects({}, 'missing_file', 'file', null);
    rejects({}, 'empty_file', 'file', Buffer.alloc(0));
    rejects({ response_format: 'xml' }, 'invalid_response_format', 'response_format');
    rejects({ temperature: '2' }, 'invalid_temperature', 'temperature');
    rejects({ temperature: 'hot' }, 'invalid_temperature', 'temperature');
    rejects({ language: 'English' }, 'invalid_language', 'language');
    rejects(
      { 'timestamp_granularities[]': 'char', response_format: 'verbose_json' },
      'invalid_timestamp_granularities',
      'timestamp_granularities[]',
    );
    rejects({ 'timestamp_granularities[]': 'word' }, 'invalid_timestamp_granularities', 'timestamp_granularities[]');
    rejects({ response_format: ['json', 'text'] }, 'invalid_value', 'response_format');
  });
});
