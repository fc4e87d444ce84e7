/**
 * Shared CLI conventions: a usage error is one line on stderr and exit code 2; any other failure
 * is one line and exit code 1. No stack traces for things a user can fix.
 */
import { InvalidArgumentError } from 'commander';

/** Thrown by option validation; main() prints it and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown for failures that are not bad usage but deserve a clean one-line message (exit 1, or `exitCode`). */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

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
