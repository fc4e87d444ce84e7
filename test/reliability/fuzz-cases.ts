/**
 * The seeded case generator of the upload fuzzer (`npm run fuzz` and test/reliability/fuzz.integration.test.ts
 * share it): valid WAVs of several encodings with mutated header fields, flipped header bytes,
 * truncations, inserted, dropped and duplicated chunks; random bytes with and without a RIFF
 * header; and mangled multipart bodies and form fields. The same seed gives the same cases.
 */
import { encodeWav } from '../../src/audio/wav-encode.ts';

/**
 * `serve` arguments for fuzzing: a mutated sample rate can turn a short file into minutes of
 * audio, and a few seconds are enough to reach every decoder path.
 */
export const FUZZ_SERVE_ARGS: readonly string[] = ['--max-duration-s', '5'];

import { mulberry32 } from '../../src/core/random.ts';
import { concat } from '../audio/wav-builder.ts';

export interface FuzzCase {
  index: number;
  /** Which mutation made it, e.g. `header:sample_rate`. */
  kind: string;
  /** A multipart upload of `file` with `fields`, or a raw body sent as is. */
  upload: { file: Uint8Array; fields: Record<string, string> } | { rawBody: Uint8Array; contentType: string };
}

type Random = () => number;

const int = (random: Random, below: number): number => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

/** Valid starting points: short clips (fast to transcribe) in each PCM encoding the service takes. */
function baseWav(random: Random): Uint8Array {
  const rate = pick(random, [8000, 16000, 22050, 44100]);
  const channels = pick(random, [1, 1, 2]);
  const frames = Math.floor(rate * (0.05 + random() * 0.3));
  const samples = new Float32Array(frames * channels);
  const hz = 100 + random() * 900;
  for (let i = 0; i < samples.length; i++)
    samples[i] = 0.4 * Math.sin((2 * Math.PI * hz * Math.floor(i / channels)) / rate) + 0.05 * (random() - 0.5);
  const encoding = pick(random, ['pcm_u8', 'pcm_s16', 'pcm_s16', 'pcm_s24', 'pcm_s32', 'float32', 'float64'] as const);
  return encodeWav(samples, rate, { channels, encoding, extensible: random() < 0.15 });
}

/** Offsets of the canonical 44-byte header's fields (in an extensible file the data size offset lands in the fmt extension: still a mutation). */
const HEADER_FIELDS: ReadonlyArray<[name: string, offset: number, bytes: 2 | 4]> = [
  ['riff_size', 4, 4],
  ['fmt_size', 16, 4],
  ['format_tag', 20, 2],
  ['channels', 22, 2],
  ['sample_rate', 24, 4],
  ['byte_rate', 28, 4],
  ['block_align', 32, 2],
  ['bits_per_sample', 34, 2],
  ['data_size', 40, 4],
];

function interesting(random: Random, bytes: 2 | 4, original: number): number {
  const max = bytes === 2 ? 0xffff : 0xffffffff;
  const values = [
    0,
    1,
    2,
    3,
    7,
    8,
    16,
    24,
    32,
    64,
    255,
    256,
    1000,
    44100,
    0x7fff,
    0x8000,
    0xfffe,
    max,
    max - 1,
    0x7ffff000,
    0x7fffffff,
    0x80000000,
    original - 1,
    original + 1,
    original * 2,
    original >>> 1,
    int(random, max + 1),
  ];
  return Math.min(max, Math.max(0, pick(random, values))) >>> 0;
}

function setField(bytes: Uint8Array, offset: number, size: 2 | 4, value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (offset + size > bytes.length) return;
  if (size === 2) view.setUint16(offset, value & 0xffff, true);
  else view.setUint32(offset, value >>> 0, true);
}

/** Flips one random bit in each of `flips` random bytes among the first `span`. */
function flipBits(random: Random, bytes: Uint8Array, flips: number, span: number): void {
  for (let n = flips; n > 0; n--) {
    const at = int(random, Math.min(span, bytes.length));
    bytes[at] = bytes[at]! ^ (1 << int(random, 8));
  }
}

function randomBytes(random: Random, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = int(random, 256);
  return out;
}

function chunk(id: string, body: Uint8Array, declared = body.length): Uint8Array {
  const head = new Uint8Array(8);
  for (let i = 0; i < 4; i++) head[i] = id.charCodeAt(i) & 0xff;
  new DataView(head.buffer).setUint32(4, declared >>> 0, true);
  return concat(head, body, body.length % 2 ? new Uint8Array(1) : new Uint8Array(0));
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** Each mutation returns the case's kind and file. */
const MUTATIONS: ReadonlyArray<[weight: number, make: (random: Random) => [string, Uint8Array]]> = [
  [
    30,
    (random) => {
      const wav = baseWav(random);
      const [name, offset, size] = pick(random, HEADER_FIELDS);
      const view = new DataView(wav.buffer);
      const original = size === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
      setField(wav, offset, size, interesting(random, size, original));
      return [`header:${name}`, wav];
    },
  ],
  [
    10,
    (random) => {
      const wav = baseWav(random);
      for (let n = 1 + int(random, 3); n > 0; n--) {
        const [, offset, size] = pick(random, HEADER_FIELDS);
        setField(wav, offset, size, int(random, size === 2 ? 0x10000 : 0x100000000));
      }
      return ['header:several', wav];
    },
  ],
  [
    12,
    (random) => {
      const wav = baseWav(random);
      flipBits(random, wav, 1 + int(random, 8), 64);
      return ['header:bit_flips', wav];
    },
  ],
  [
    10,
    (random) => {
      const wav = baseWav(random);
      return ['truncated', wav.slice(0, int(random, Math.min(wav.length, 200)))];
    },
  ],
  [
    10,
    (random) => {
      const wav = baseWav(random);
      const named = pick(random, ['LIST', 'fact', 'JUNK', 'fmt ', 'data', 'bext', undefined]);
      const id = named ?? String.fromCharCode(...randomBytes(random, 4));
      const body = randomBytes(random, int(random, 64));
      const declared = random() < 0.5 ? body.length : interesting(random, 4, body.length);
      const at = pick(random, [12, 36, wav.length]);
      const out = concat(wav.subarray(0, at), chunk(id, body, declared), wav.subarray(at));
      setField(out, 4, 4, out.length - 8);
      return [`chunk:insert:${named?.trim() ?? 'random'}`, out];
    },
  ],
  [
    5,
    (random) => {
      const wav = baseWav(random);
      const fmt = wav.subarray(12, 36);
      const body =
        random() < 0.5
          ? concat(wav.subarray(0, 12), wav.subarray(36))
          : concat(wav.subarray(0, 36), fmt, wav.subarray(36));
      setField(body, 4, 4, body.length - 8);
      return ['chunk:fmt_dropped_or_doubled', body];
    },
  ],
  [10, (random) => ['random_bytes', randomBytes(random, int(random, 4096))]],
  [
    8,
    (random) => {
      const body = randomBytes(random, int(random, 2048));
      const head = concat(ascii('RIFF'), new Uint8Array(4), ascii('WAVE'));
      setField(head, 4, 4, random() < 0.5 ? body.length + 4 : int(random, 0x100000000));
      return ['riff_then_random', concat(head, body)];
    },
  ],
];

const TOTAL_WEIGHT = MUTATIONS.reduce((sum, [weight]) => sum + weight, 0);

function mutatedFile(random: Random): [string, Uint8Array] {
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, make] of MUTATIONS) {
    roll -= weight;
    if (roll < 0) return make(random);
  }
  return MUTATIONS[0]![1](random);
}

/** Form fields: valid ones mostly, sometimes garbage values or unknown names. */
function fields(random: Random): Record<string, string> {
  const out: Record<string, string> = { model: 'whisper-1' };
  if (random() < 0.3)
    out.response_format = pick(random, ['json', 'text', 'srt', 'vtt', 'verbose_json', '', 'xml', 'JSON', '\u0000']);
  if (random() < 0.2) out.temperature = pick(random, ['0', '0.5', '1', '-1', '2', 'NaN', 'Infinity', '1e309', '']);
  if (random() < 0.2) out.language = pick(random, ['en', 'de', 'xx', 'english', '', '12', 'e\u00e9']);
  if (random() < 0.1) out['timestamp_granularities[]'] = pick(random, ['word', 'segment', 'char']);
  if (random() < 0.1) out[`x-${int(random, 1000)}`] = String.fromCharCode(...randomBytes(random, int(random, 40)));
  return out;
}

/** A whole multipart body, then mangled: cut, bytes flipped, or its boundary broken. */
function rawMultipart(random: Random): { rawBody: Uint8Array; contentType: string } {
  const boundary = `fuzz${int(random, 1e9)}`;
  const file = baseWav(random);
  const body = concat(
    ascii(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n`),
    ascii(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    ),
    file,
    ascii(`\r\n--${boundary}--\r\n`),
  );
  const mode = int(random, 4);
  if (mode === 0)
    return {
      rawBody: body.slice(0, int(random, body.length)),
      contentType: `multipart/form-data; boundary=${boundary}`,
    };
  if (mode === 1) {
    flipBits(random, body, 1 + int(random, 16), 200);
    return { rawBody: body, contentType: `multipart/form-data; boundary=${boundary}` };
  }
  if (mode === 2)
    return {
      rawBody: body,
      contentType: pick(random, [
        'multipart/form-data',
        'multipart/form-data; boundary=',
        `multipart/form-data; boundary=${boundary}x`,
        'multipart/form-data; boundary="unterminated',
      ]),
    };
  return { rawBody: randomBytes(random, int(random, 2048)), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The cases for `seed`, in order; case i is the same for every `count` > i. */
export function* fuzzCases(seed: number, count: number): Generator<FuzzCase> {
  for (let index = 0; index < count; index++) {
    // One stream per case, so a case can be regenerated from (seed, index) alone.
    const random = mulberry32((seed * 0x9e3779b1 + index) >>> 0);
    if (random() < 0.1) {
      yield { index, kind: 'multipart', upload: rawMultipart(random) };
      continue;
    }
    const [kind, file] = mutatedFile(random);
    yield { index, kind, upload: { file, fields: fields(random) } };
  }
}
