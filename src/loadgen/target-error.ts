/**
 * The load generator's one failure that is not bad usage: the target cannot be load-tested (down,
 * wrong path, not a transcription endpoint). It is a CliError with exit code 2 so the CLI (and
 * `amanuensis profile`) print one line and exit 2 without a stack trace.
 */
import { CliError } from '../core/command-errors.ts';

/** The target is unreachable or does not answer like an OpenAI-compatible transcription endpoint. */
export class TargetError extends CliError {
  override name = 'TargetError';

  constructor(message: string) {
    super(message, 2);
  }
}
