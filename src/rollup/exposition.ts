/**
 * Prometheus text exposition (0.0.4) and OpenMetrics 1.0 of the MeterProvider's collected data,
 * written here because neither @opentelemetry/exporter-prometheus nor sdk-metrics 3.x carries
 * exemplars. OpenMetrics adds, on each histogram bucket that has one, the latest sampled span of
 * that bucket as `# {trace_id="…",span_id="…"} <seconds> <end time>`. Both formats start with
 * `target_info`, the resource's attributes as labels (OpenTelemetry's Prometheus compatibility
 * rules: dots become underscores, non-string values are JSON).
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Exemplar } from './span-duration-store.ts';

/** Content types of the two formats. */
export const CONTENT_TYPES = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openMetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
} as const;

/** What the exposition needs to attach exemplars to one histogram's buckets. */
export interface ExemplarSource {
  /** The metric (Prometheus name) whose buckets carry exemplars. */
  metric: string;
  /** The label whose value selects the exemplars. */
  label: string;
  exemplar(labelValue: string, bucket: number): Exemplar | undefined;
}

/** Instrument units that have a Prometheus unit word (the suffix OpenMetrics' `# UNIT` must repeat). */
const UNIT_WORDS: Readonly<Record<string, string>> = { s: 'seconds', By: 'bytes', '1': 'ratio' };

/** True when an Accept header prefers OpenMetrics to the classic text format. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  let openMetrics = 0;
  let text = 0;
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParameter = parameters.find((p) => p.startsWith('q='));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2)) || 0;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}

/** Serializes one collection; `exemplars` only matters for OpenMetrics. */
export function serializeMetrics(data: ResourceMetrics, openMetrics: boolean, exemplars?: ExemplarSource): string {
  const out: string[] = [];
  const targetLabels = labelString(data.resource.attributes);
  if (openMetrics) out.push('# TYPE target info', '# HELP target Target metadata', `target_info${targetLabels} 1`);
  else out.push('# HELP target_info Target metadata', '# TYPE target_info gauge', `target_info${targetLabels} 1`);
  for (const scope of data.scopeMetrics) {
    for (const metric of scope.metrics) serializeMetric(out, metric, openMetrics, exemplars);
  }
  if (openMetrics) out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function serializeMetric(
  out: string[],
  metric: MetricData,
  openMetrics: boolean,
  exemplars: ExemplarSource | undefined,
): void {
  const name = metricName(metric.descriptor.name);
  const help = escapeHelp(metric.descriptor.description, openMetrics);
  const unit = UNIT_WORDS[metric.descriptor.unit];
  const unitLine = (family: string): void => {
    if (openMetrics && unit !== undefined && family.endsWith(`_${unit}`)) out.push(`# UNIT ${family} ${unit}`);
  };
  switch (metric.dataPointType) {
    case DataPointType.GAUGE:
    case DataPointType.SUM: {
      const counter = metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
      // A counter's samples end in `_total`; OpenMetrics names its family without the suffix.
      const sample = counter ? `${name.replace(/_total$/, '')}_total` : name;
      const family = counter && openMetrics ? sample.slice(0, -'_total'.length) : sample;
      out.push(`# TYPE ${family} ${counter ? 'counter' : 'gauge'}`, `# HELP ${family} ${help}`);
      unitLine(family);
      for (const point of metric.dataPoints)
        out.push(`${sample}${labelString(point.attributes)} ${numberString(point.value)}`);
      return;
    }
    case DataPointType.HISTOGRAM: {
      out.push(`# TYPE ${name} histogram`, `# HELP ${name} ${help}`);
      unitLine(name);
      const source = openMetrics && exemplars?.metric === name ? exemplars : undefined;
      for (const point of metric.dataPoints) {
        const { boundaries, counts } = point.value.buckets;
        const labelValue = source === undefined ? undefined : point.attributes[source.label];
        let cumulative = 0;
        for (let i = 0; i < counts.length; i++) {
          cumulative += counts[i]!;
          const le = i < boundaries.length ? numberString(boundaries[i]!) : '+Inf';
          const exemplar = typeof labelValue === 'string' ? source!.exemplar(labelValue, i) : undefined;
          out.push(
            `${name}_bucket${labelString(point.attributes, { le })} ${cumulative}${exemplar ? exemplarString(exemplar) : ''}`,
          );
        }
        out.push(`${name}_sum${labelString(point.attributes)} ${numberString(point.value.sum ?? 0)}`);
        out.push(`${name}_count${labelString(point.attributes)} ${point.value.count}`);
      }
      return;
    }
    default:
      // Exponential histograms are not configured here; neither text format has them.
      return;
  }
}

function exemplarString(exemplar: Exemplar): string {
  return ` # {trace_id="${exemplar.traceId}",span_id="${exemplar.spanId}"} ${numberString(exemplar.value)} ${exemplar.timestampS.toFixed(3)}`;
}

/** A Prometheus metric name: characters outside [a-zA-Z0-9_:] become `_`, no leading digit. */
function metricName(name: string): string {
  const sanitized = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(sanitized) ? `_${sanitized}` : sanitized;
}

/** `{k="v",…}` with OTel keys made label names; keys that collide join their values with `;`, in key order. */
function labelString(attributes: Attributes, extra: Record<string, string> = {}): string {
  const labels = new Map<string, string[]>();
  for (const key of Object.keys(attributes).sort()) {
    const value = attributes[key];
    if (value === undefined) continue;
    const label = labelName(key);
    labels.set(label, [...(labels.get(label) ?? []), attributeString(value)]);
  }
  for (const [key, value] of Object.entries(extra)) labels.set(key, [value]);
  if (labels.size === 0) return '';
  return `{${[...labels].map(([label, values]) => `${label}="${escapeLabelValue(values.join(';'))}"`).join(',')}}`;
}

function labelName(key: string): string {
  const sanitized = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(sanitized) ? `key_${sanitized}` : sanitized;
}

function attributeString(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: the classic format escapes backslash and newline, OpenMetrics also the double quote. */
function escapeHelp(text: string, openMetrics: boolean): string {
  const escaped = (text || 'description missing').replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return openMetrics ? escaped.replace(/"/g, '\\"') : escaped;
}

function numberString(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}
