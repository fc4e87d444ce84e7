/**
 * A machine's own noise model for `amanuensis compare --noise FILE`: the drift per family and
 * figure that scripts/calibrate-compare.ts measured from A/A pairs made on that machine, written
 * as a small JSON document. Reading it checks that every family and figure the built-in model
 * has is there, so a file never silently falls back to the constants of another machine.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/command-errors.ts';
import { DRIFT, type Drift, type DriftFamily, type GateMetric } from './gate-noise.ts';

/** The version of the noise document this code writes and reads. */
export const NOISE_SCHEMA_VERSION = 1;

/** The `--noise` document. */
export interface NoiseDocument {
  schema_version: typeof NOISE_SCHEMA_VERSION;
  /** The machine the A/A pairs ran on (its host name), and anything worth knowing about them. */
  machine: string;
  notes: string[];
  /** The factor the measured drift was multiplied by, to leave room for runs not yet seen. */
  margin: number;
  /** The A/A pairs the drift came from, each as its two run folders. */
  pairs: Array<[string, string]>;
  drift: Drift;
}

/** Every family and the figures of it that carry a drift (those of the built-in model). */
export function driftFigures(): Array<[DriftFamily, GateMetric[]]> {
  return Object.entries(DRIFT).map(([family, figures]) => [
    family as DriftFamily,
    Object.keys(figures) as GateMetric[],
  ]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a parsed noise document and returns its drift; throws a UsageError naming what is wrong. */
export function noiseDrift(document: unknown, path: string): Drift {
  const fail = (what: string): never => {
    throw new UsageError(`--noise ${path}: ${what}`);
  };
  const drift = isRecord(document) && document.schema_version === NOISE_SCHEMA_VERSION ? document.drift : undefined;
  if (!isRecord(drift))
    return fail(
      `not a noise document (schema_version ${NOISE_SCHEMA_VERSION}, a drift per family: scripts/calibrate-compare.ts --write)`,
    );
  const out: Partial<Record<DriftFamily, Partial<Record<GateMetric, number>>>> = {};
  for (const [family, metrics] of driftFigures()) {
    const figures = drift[family];
    if (!isRecord(figures)) return fail(`misses the drift of the family "${family}"`);
    out[family] = {};
    for (const metric of metrics) {
      const value = figures[metric];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        return fail(`"${family}" needs a drift for ${metric}, a number of at least 0`);
      out[family][metric] = value;
    }
  }
  return out as Drift;
}

/** Reads a `--noise` file; a file that is missing, not JSON or not a complete noise document is a UsageError. */
export async function readNoiseFile(path: string): Promise<Drift> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--noise ${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new UsageError(`--noise ${path}: not JSON`);
  }
  return noiseDrift(document, path);
}
