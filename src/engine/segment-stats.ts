/**
 * Numbers every engine's segments report the way Whisper does.
 */
import { deflateSync } from 'node:zlib';

/** `value` rounded to `decimals` places (timestamps to 10 ms, scores to 4 places). */
export function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Whisper's compression ratio: UTF-8 bytes over zlib-compressed bytes (high means repetitive text). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === 0 ? 0 : bytes.length / deflateSync(bytes).length;
}
