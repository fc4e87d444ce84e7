import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchSettings, otlpProtocol, otlpTracesUrl, sdkDisabled, tracesExporters } from '../../src/telemetry/env.ts';

describe('telemetry env', () => {
  it('reads OTEL_BSP_* with the specification defaults', () => {
    assert.deepEqual(
      batchSettings({}),
      { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 },
      'defaults',
    );
    const custom = batchSettings({
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_EXPORT_TIMEOUT: '1000',
    });
    assert.deepEqual(
      custom,
      { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 200, exportTimeoutMillis: 1000 },
      'batch size clamped to the queue size',
    );
  });

  it('falls back to defaults for nonsense values', () => {
    assert.equal(batchSettings({ OTEL_BSP_MAX_QUEUE_SIZE: '-3' }).maxQueueSize, 2048, 'negative ignored');
    assert.equal(batchSettings({ OTEL_BSP_SCHEDULE_DELAY: 'soon' }).scheduledDelayMillis, 5000, 'non-number ignored');
  });

  it('chooses the OTLP protocol, traces-specific variable first', () => {
    assert.equal(otlpProtocol({}), 'http/protobuf', 'default protobuf as the SDK');
    assert.equal(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), 'http/json', 'general variable');
    assert.equal(
      otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }),
      'grpc',
      'specific wins',
    );
  });

  it('derives the traces URL and exporter kind', () => {
    assert.equal(otlpTracesUrl({}), 'http://localhost:4318/v1/traces', 'default endpoint');
    assert.equal(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }),
      'http://collector:4318/v1/traces',
      'base endpoint gets the signal path',
    );
    assert.equal(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x/traces' }),
      'http://x/traces',
      'specific endpoint used as is',
    );
    assert.equal(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
      'http://localhost:4317',
      'gRPC: port 4317, no signal path',
    );
    assert.equal(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }),
      'http://collector:4317',
      'gRPC: the endpoint as is',
    );
    assert.deepEqual(tracesExporters({ OTEL_TRACES_EXPORTER: 'none' }), [], 'none');
    assert.deepEqual(tracesExporters({}), ['otlp'], 'otlp by default');
    assert.deepEqual(
      tracesExporters({ OTEL_TRACES_EXPORTER: 'otlp, console,otlp' }),
      ['otlp', 'console'],
      'the whole list, deduplicated',
    );
    assert.deepEqual(
      tracesExporters({ OTEL_TRACES_EXPORTER: 'console,none' }),
      ['console'],
      'none beside others adds nothing',
    );
    assert.equal(sdkDisabled({ OTEL_SDK_DISABLED: 'TRUE' }), true, 'case-insensitive true');
    assert.equal(sdkDisabled({}), false, 'enabled by default');
  });
});
