import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { apiKeyCheck } from '../../src/service/auth.ts';

const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('apiKeyCheck', () => {
  it('lets everything through without a configured key', () => {
    assert.doesNotThrow(() => apiKeyCheck(undefined)(request()), 'no key configured');
  });

  it('requires the exact bearer key when configured', () => {
    const check = apiKeyCheck('s3cret');
    assert.doesNotThrow(() => check(request('Bearer s3cret')), 'right key');
    for (const header of [undefined, 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 's3cret']) {
      assert.throws(() => check(request(header)), /API key/, `refused: ${header}`);
    }
  });
});

describe('apiKeyCheck with fromQuery', () => {
  const at = (url: string, authorization?: string) =>
    ({ url, headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

  it('accepts the key as the key query parameter only when asked to', () => {
    const check = apiKeyCheck('s3cret');
    assert.doesNotThrow(() => check(at('/v1/events?key=s3cret'), { fromQuery: true }), 'key in the query');
    assert.doesNotThrow(() => check(at('/v1/events', 'Bearer s3cret'), { fromQuery: true }), 'key in the header');
    assert.throws(() => check(at('/v1/events?key=s3cret')), /API key/, 'the query is not read unless asked');
    for (const url of ['/v1/events', '/v1/events?key=s3cre', '/v1/events?api_key=s3cret', '/v1/events?key=']) {
      assert.throws(() => check(at(url), { fromQuery: true }), /API key/, `refused: ${url}`);
    }
  });
});
