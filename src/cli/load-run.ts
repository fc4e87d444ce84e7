/**
 * Runs `amanuensis load`: validate (usage errors exit 2 before anything starts), read the audio,
 * start client telemetry unless --no-trace, run, print the table, write --out, and turn the
 * thresholds into the exit code. Telemetry is shut down, bounded, whatever happens.
 */

import { parseLoadOptions, type RawLoadOptions } from '../loadgen/options.ts';
import { barProgress, jsonProgress, type LoadEvent } from '../loadgen/progress.ts';
import { renderLoadText } from '../report/terminal-load.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { LOADGEN_SERVICE_NAME } from '../telemetry/names.ts';
import { startTelemetry, type TelemetryHandle } from '../telemetry/sdk.ts';
import { checkOutputFile } from './output-path.ts';

const SHUTDOWN_MILLIS = 5000;

/** Runs the command; returns the exit code (0 done, 1 a threshold failed). Throws UsageError/TargetError (exit 2). */
export async function runLoadCli(raw: RawLoadOptions): Promise<number> {
  const options = parseLoadOptions(raw);
  // Checked now, so a bad --out fails before the run rather than after it.
  const out = options.out === undefined ? undefined : await checkOutputFile(options.out, '--out');
  const { runLoad, prepareAudio } = await import('../loadgen/run-load.ts');
  // Fail on a bad --audio file before any telemetry or network activity.
  const audio = await prepareAudio(options);
  let telemetry: TelemetryHandle | undefined;
  if (options.trace) {
    telemetry = await startTelemetry({ serviceName: LOADGEN_SERVICE_NAME, instrumentHttpServer: false });
    options.trace = telemetry.enabled;
  }
  const json = options.progress === 'json';
  const bar = options.progress === 'auto' && process.stderr.isTTY ? barProgress(process.stderr) : undefined;
  const onProgress: ((event: LoadEvent) => void) | undefined = json
    ? jsonProgress((line) => process.stdout.write(line))
    : bar?.onEvent;
  try {
    const results = await runLoad(options, {
      audio,
      ...(onProgress ? { onProgress } : {}),
      snapshotIntervalMs: json ? 1000 : 200,
    });
    bar?.stop();
    if (out) await writeFileAtomic(out, `${JSON.stringify(results, null, 2)}\n`);
    const report = renderLoadText(results);
    if (json) {
      process.stdout.write(`${JSON.stringify({ type: 'results', results })}\n`);
      process.stderr.write(report);
    } else {
      process.stdout.write(report);
    }
    return results.thresholds.some((check) => !check.passed) ? 1 : 0;
  } finally {
    bar?.stop();
    await telemetry?.shutdown(SHUTDOWN_MILLIS);
  }
}
