/**
 * Hand-built RIFF/WAVE files for parser tests: arbitrary chunks, lying sizes, unusual fmt chunks.
 * Independent of src/audio/wav-encode.ts on purpose.
 */

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function u16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value, true);
  return bytes;
}

export function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A chunk with its header; `declaredSize` overrides the size field; odd bodies get their pad byte. */
export function chunk(id: string, body: Uint8Array, declaredSize = body.length): Uint8Array {
  return concat(ascii(id), u32(declaredSize), body, body.length % 2 ? new Uint8Array(1) : new Uint8Array(0));
}

/** RIFF/WAVE around `chunks`; `declaredSize` overrides the RIFF size (default: exact). */
export function riff(chunks: Uint8Array[], declaredSize?: number): Uint8Array {
  const body = concat(ascii('WAVE'), ...chunks);
  return concat(ascii('RIFF'), u32(declaredSize ?? body.length), body);
}

export interface FmtFields {
  tag?: number;
  channels?: number;
  sampleRateHz?: number;
  bits?: number;
  blockAlign?: number;
  /** WAVE_FORMAT_EXTENSIBLE: the sub-format tag (first two GUID bytes) and optionally the GUID tail. */
  subformat?: number;
  guidTail?: number[];
  validBits?: number;
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** A `fmt ` chunk body (16 bytes, or 40 with a sub-format). */
export function fmtBody(fields: FmtFields = {}): Uint8Array {
  const channels = fields.channels ?? 1;
  const bits = fields.bits ?? 16;
  const rate = fields.sampleRateHz ?? 16000;
  const blockAlign = fields.blockAlign ?? channels * Math.ceil(bits / 8);
  const extensible = fields.subformat !== undefined;
  const tag = fields.tag ?? (extensible ? 0xfffe : 1);
  const base = concat(u16(tag), u16(channels), u32(rate), u32(rate * blockAlign), u16(blockAlign), u16(bits));
  if (!extensible) return base;
  return concat(
    base,
    u16(22),
    u16(fields.validBits ?? bits),
    u32(0),
    u16(fields.subformat!),
    Uint8Array.from(fields.guidTail ?? GUID_TAIL),
  );
}

/** 16-bit little-endian PCM bytes of the given integer samples. */
export function s16(samples: number[]): Uint8Array {
  return concat(...samples.map((v) => u16(v & 0xffff)));
}
