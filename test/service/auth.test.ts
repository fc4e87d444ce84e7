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
