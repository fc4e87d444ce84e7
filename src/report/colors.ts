/**
 * Colours for the charts: one hue per pipeline stage family (mel orange, encoder and its NPU
 * phases blue, decoder green), shades within a family, so a stacked bar reads by stage at a glance.
 */
import { SPAN } from '../telemetry/names.ts';

const FAMILIES: Record<string, readonly string[]> = {
  [SPAN.TRANSCRIBE]: ['#6d28d9'],
  [SPAN.AUDIO_DECODE]: ['#475569', '#94a3b8'],
  [SPAN.MEL]: ['#9a3412', '#ea580c', '#fb923c', '#fdba74', '#fed7aa'],
  [SPAN.ENCODER]: ['#1e3a8a', '#1d4ed8', '#3b82f6', '#60a5fa', '#93c5fd', '#bfdbfe'],
  [SPAN.DECODER]: ['#14532d', '#15803d', '#22c55e', '#86efac', '#bbf7d0'],
};

/** For anything else, and for series such as runs and percentiles. */
export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#65a30d',
] as const;

/** A colour per series index. */
export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Colours for names grouped by family, in the order given: shades run through each family. */
export function stageColors(items: readonly { name: string; family: string }[]): Map<string, string> {
  const used = new Map<string, number>();
  const colors = new Map<string, string>();
  let other = 0;
  for (const { name, family } of items) {
    const shades = FAMILIES[family];
    if (shades) {
      const n = used.get(family) ?? 0;
      used.set(family, n + 1);
      colors.set(name, shades[n % shades.length]!);
    } else {
      colors.set(name, seriesColor(4 + other++));
    }
  }
  return colors;
}

/** Waiting spans get one colour of their own, whatever their stage, so queueing stands out. */
export const WAIT_COLOR = '#dc2626';

/** `worker.queue_wait`, `npu.queue_wait`, the admission wait: the span catalog names every wait so. */
export function isWait(name: string): boolean {
  return name.endsWith('wait');
}
