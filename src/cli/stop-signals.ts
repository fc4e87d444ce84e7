/**
 * How a long-running command (`serve`, `collect`) starts listening and stops: one line for a port
 * it cannot bind, a graceful shutdown on the first SIGTERM or SIGINT, and two ways out of a
 * shutdown that hangs (a second signal, and a hard deadline).
 */
import { CliError } from '../core/command-errors.ts';

/** The one-line error for a listener that could not bind `host:port`. */
export function cannotListen(host: string, port: number, error: unknown): CliError {
  return new CliError(`cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Calls `shutdown` on the first SIGTERM or SIGINT. Register it before printing the listening
 * line: whoever reads that line may signal at once.
 */
export function onStopSignals(shutdown: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal (Ctrl-C twice) means: stop waiting.
    if (stopping) process.exit(1);
    stopping = true;
    shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Exits 1, saying so, if the shutdown started by `signal` has not ended the process within `millis`. */
export function exitIfShutdownHangs(signal: string, millis: number): void {
  const hardExit = setTimeout(() => {
    process.stderr.write(`${signal}: shutdown did not finish in ${millis} ms; exiting\n`);
    process.exit(1);
  }, millis);
  // The deadline must not itself keep a finished process alive.
  hardExit.unref();
}
