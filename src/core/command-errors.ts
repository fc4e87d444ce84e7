/**
 * Errors that end a command with one line on stderr and no stack trace. They live at the bottom
 * because the folders that validate a command's input (loadgen's options, its audio files, the
 * target check) throw them; only cli/ turns them into exit codes.
 */

/** Bad usage of a command: main() prints it and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure that is not bad usage but deserves a clean one-line message (exit 1, or `exitCode`). */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
