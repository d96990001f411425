import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretName, redactSecrets } from '../../../scenarios/results/redact-secrets.js';

describe('redactSecrets', () => {
  it('hides credentials, authorization values, JWTs, secret-named fields and long opaque ids', () => {
    const cases: Array<[string, string]> = [
      ['http://admin:hunter2@127.0.0.1:8080/x', 'http://[redacted]@127.0.0.1:8080/x'],
      ['sent Authorization: Bearer abc.def-123', 'sent Authorization: [redacted] [redacted]'],
      ['Bearer abc.def-123', 'Bearer [redacted]'],
      ['got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_part-1 back', 'got [redacted] back'],
      ['{"token":"tok-alice","id":3}', '{"token":"[redacted]","id":3}'],
      ['/login?session_id=s3cr3t&page=2', '/login?session_id=[redacted]&page=2'],
      ['api_key: zzz', 'api_key: [redacted]'],
      ['id 0123456789abcdef0123456789abcdef01', 'id [redacted]'],
    ];
    for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected, input);
  });

  it('leaves ordinary messages alone', () => {
    for (const text of ['expected status 201, got 200', 'connect ECONNREFUSED 127.0.0.1:9', 'capture orderId: $.id not found', 'timed out after 200 ms']) {
      assert.equal(redactSecrets(text), text);
    }
  });

  it('knows secret-looking names', () => {
    assert.ok(isSecretName('$.token'));
    assert.ok(isSecretName('X-Api-Key'));
    assert.ok(!isSecretName('$.items[0].id'));
  });
});
