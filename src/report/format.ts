/**
 * Number formatting shared by the HTML and terminal reports: every number leaves here with its
 * unit, and a missing value (null, NaN) shows as a dash instead of "NaN ms".
 */

/** The dash shown for a value that was not measured. */
export const MISSING = '–';

function present(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A millisecond count without its unit, at a precision that suits its size. */
export function msNumber(value: number | null | undefined): string {
  if (!present(value)) return MISSING;
  const size = Math.abs(value);
  const digits = size === 0 ? 0 : size < 1 ? 3 : size < 10 ? 2 : size < 1000 ? 1 : 0;
  return value.toFixed(digits);
}

/**
 * A millisecond count without its unit, to about three significant digits (`1235`, `12.3`, `1.23`,
 * `0.123`): narrow enough for the fixed columns of the text waterfalls and span tables.
 */
export function msCompact(value: number): string {
  const size = Math.abs(value);
  return value.toFixed(size >= 100 ? 0 : size >= 10 ? 1 : size >= 1 ? 2 : 3);
}

/** `12.3 ms`. */
export function formatMs(value: number | null | undefined): string {
  return present(value) ? `${msNumber(value)} ms` : MISSING;
}

/** A real-time factor without its unit. */
export function rtfNumber(value: number | null | undefined): string {
  if (!present(value)) return MISSING;
  return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
}

/** `45.2x realtime`. */
export function formatRtf(value: number | null | undefined): string {
  return present(value) ? `${rtfNumber(value)}x realtime` : MISSING;
}

/** A request rate without its unit. */
export function rpsNumber(value: number | null | undefined): string {
  if (!present(value)) return MISSING;
  return value.toFixed(Math.abs(value) < 100 ? 1 : 0);
}

/** `12.5 req/s`. */
export function formatRps(value: number | null | undefined): string {
  return present(value) ? `${rpsNumber(value)} req/s` : MISSING;
}

/** `42.0%` for a fraction 0.42. */
export function formatShare(fraction: number | null | undefined): string {
  return present(fraction) ? `${(fraction * 100).toFixed(1)}%` : MISSING;
}

/** `+12.3%` / `-4.0%` for a relative change given in percent; `×52` once it is a thousand percent or more. */
export function formatPercentChange(percent: number | null | undefined): string {
  if (!present(percent)) return MISSING;
  if (percent >= 1000) return `×${(1 + percent / 100).toFixed(0)}`;
  return `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/** A signed value with its unit, e.g. `+3.20 ms`. */
export function formatSigned(value: number | null | undefined, format: (v: number) => string): string {
  if (!present(value)) return MISSING;
  return `${value > 0 ? '+' : value < 0 ? '-' : '±'}${format(Math.abs(value))}`;
}

/** `1.50 s`. */
export function formatSeconds(value: number | null | undefined): string {
  return present(value) ? `${value.toFixed(2)} s` : MISSING;
}

/** A whole count, e.g. `1234`. */
export function formatCount(value: number | null | undefined): string {
  return present(value) ? String(Math.round(value)) : MISSING;
}

/**
 * A scenario's load: `4 streams` (closed model) or `20 req/s offered` (open model), with its cap
 * on requests in flight and how many requests waited for it: `20 req/s offered, ≤ 4 in flight, 96 late`.
 */
export function formatLoad(scenario: {
  streams?: number;
  rate?: number;
  max_in_flight?: number | null;
  late?: number;
}): string {
  if (scenario.streams !== undefined) return `${scenario.streams} stream${scenario.streams === 1 ? '' : 's'}`;
  if (scenario.rate === undefined) return MISSING;
  const cap = scenario.max_in_flight ? `, ≤ ${scenario.max_in_flight} in flight, ${scenario.late ?? 0} late` : '';
  return `${scenario.rate} req/s offered${cap}`;
}
