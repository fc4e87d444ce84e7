/**
 * commander argument parsers shared by the commands: a value they refuse is one line on stderr
 * and exit code 2. The errors commands throw themselves are in src/core/command-errors.ts.
 */
import { InvalidArgumentError } from 'commander';

/** commander argument parser for a positive integer. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** commander argument parser for a non-negative number. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
}

/** commander argument parser for a port (0 picks a free one). */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

/** commander argument parser restricted to `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
    return value as T;
  };
}
