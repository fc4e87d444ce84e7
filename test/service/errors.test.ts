import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError, codedErrorFromData, codedErrorToData, ERROR_CODE, type ErrorCode } from '../../src/core/errors.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';

describe('toErrorEnvelope', () => {
  it('answers a CodedError with its code, message and param in the OpenAI envelope', () => {
    const answer = toErrorEnvelope(
      new CodedError('bad', { code: ERROR_CODE.INVALID_TEMPERATURE, param: 'temperature' }),
    );
    assert.equal(answer.status, 400, 'status of the code');
    assert.deepEqual(
      answer.body,
      { error: { message: 'bad', type: 'invalid_request_error', param: 'temperature', code: 'invalid_temperature' } },
      'envelope',
    );
    assert.deepEqual(answer.headers, {}, 'no extra headers');
  });

  it('gives each kind of code its status and OpenAI type', () => {
    const cases: [ErrorCode, number, string][] = [
      [ERROR_CODE.UNSUPPORTED_ENCODING, 415, 'invalid_request_error'],
      [ERROR_CODE.FILE_TOO_LARGE, 413, 'invalid_request_error'],
      [ERROR_CODE.INVALID_API_KEY, 401, 'authentication_error'],
      [ERROR_CODE.OVERLOADED, 503, 'overloaded_error'],
      [ERROR_CODE.DRAINING, 503, 'overloaded_error'],
      [ERROR_CODE.TIMEOUT, 504, 'timeout_error'],
      [ERROR_CODE.REQUEST_TIMEOUT, 408, 'timeout_error'],
      [ERROR_CODE.HEADERS_TOO_LARGE, 431, 'invalid_request_error'],
      [ERROR_CODE.CLIENT_CLOSED, 499, 'invalid_request_error'],
      [ERROR_CODE.METHOD_NOT_ALLOWED, 405, 'invalid_request_error'],
    ];
    for (const [code, status, type] of cases) {
      const answer = toErrorEnvelope(new CodedError('x', { code }));
      assert.equal(answer.status, status, `status of ${code}`);
      assert.equal(answer.body.error.type, type, `type of ${code}`);
    }
  });

  it('rounds a retry hint up to whole seconds, at least one', () => {
    const retry = (retryAfterS: number): string | undefined =>
      toErrorEnvelope(new CodedError('busy', { code: ERROR_CODE.OVERLOADED, retryAfterS })).headers['retry-after'];
    assert.equal(retry(2.2), '3', 'rounded up');
    assert.equal(retry(0), '1', 'never zero');
  });

  it('answers anything else with a generic 500 that does not show its message', () => {
    const answer = toErrorEnvelope(new Error('secret detail'));
    assert.equal(answer.status, 500, 'status');
    assert.deepEqual(
      answer.body,
      { error: { message: 'internal error', type: 'server_error', param: null, code: 'internal_error' } },
      'generic envelope',
    );
  });
});

describe('CodedError plain data', () => {
  it('survives a structured clone with its code, param and retry hint', () => {
    const error = new CodedError('full', { code: ERROR_CODE.OVERLOADED, param: 'file', retryAfterS: 2 });
    const back = codedErrorFromData(structuredClone(codedErrorToData(error)));
    assert.ok(back instanceof CodedError, 'a CodedError again');
    assert.deepEqual(
      [back.message, back.code, back.param, back.retryAfterS],
      ['full', 'overloaded', 'file', 2],
      'every field kept',
    );
  });
});
