/**
 * `amanuensis`: one program, seven commands (serve, load, profile, report, summary, collect, compare). Each command module
 * parses and validates its options; this file only assembles them and maps failures to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { CliError, UsageError } from '../core/command-errors.ts';
import { collectCommand } from './collect.ts';
import { compareCommand } from './compare.ts';
import { loadCommand } from './load.ts';
import { profileCommand } from './profile.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { summaryCommand } from './summary.ts';

/** addCommand() does not pass settings down, so every command gets the conventions here. */
function withConventions(command: Command): Command {
  command.exitOverride().configureOutput({
    writeErr: (text) => process.stderr.write(text),
    // One line, like every other failure: `amanuensis: <what is wrong>`.
    outputError: (text, write) =>
      write(
        `amanuensis: ${text
          .replace(/^error: /, '')
          .trimEnd()
          .replace(/\s*\n\s*/g, ' ')} (see --help)\n`,
      ),
  });
  for (const sub of command.commands) withConventions(sub);
  return command;
}

function program(): Command {
  const root = new Command('amanuensis')
    .description('OpenTelemetry-traced Whisper-style transcription: serve, load-test, profile, summarise, compare')
    .addCommand(serveCommand())
    .addCommand(loadCommand())
    .addCommand(profileCommand())
    .addCommand(reportCommand())
    .addCommand(summaryCommand())
    .addCommand(collectCommand())
    .addCommand(compareCommand());
  return withConventions(root);
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`amanuensis: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`amanuensis: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`amanuensis: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
