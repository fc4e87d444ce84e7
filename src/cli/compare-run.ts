/**
 * Runs `amanuensis compare A B` (and its alias `profile --compare A B`): reads both sides, judges
 * B against A, prints the text or the JSON, and returns the exit code (0 pass, 1 a significant
 * regression). A side or a `--noise` file that cannot be read is one line and exit code 2.
 */
import { CliError } from '../core/command-errors.ts';
import { type GateInput, gateRuns } from '../report/gate.ts';
import { readGateInput } from '../report/gate-input.ts';
import { readNoiseFile } from '../report/gate-noise-file.ts';
import { gateJson, renderGate } from '../report/gate-text.ts';
import type { CompareOptions } from './compare.ts';

/** Judges `b` against the baseline `a`, prints the verdict, and returns the exit code. */
export async function runCompare(a: string, b: string, options: CompareOptions): Promise<number> {
  let sides: [GateInput, GateInput];
  try {
    sides = await Promise.all([readGateInput(a), readGateInput(b)]);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  const noise =
    options.noise === undefined ? undefined : { drift: await readNoiseFile(options.noise), source: options.noise };
  const result = gateRuns(sides[0], sides[1], { maxRegression: options.maxRegression, noise });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(gateJson(result, [a, b]), null, 2)}\n`);
  } else {
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(renderGate(result, { labels: [a, b], color, width: process.stdout.columns ?? 100 }));
  }
  return result.passed ? 0 : 1;
}
