/**
 * `npm run fuzz -- [--cases N] [--seed S] [--concurrency C]`: starts the service and sends it N
 * seeded mutated uploads (test/reliability/fuzz-cases.ts); every answer must be a 200 or a 4xx in
 * the OpenAI error envelope: a 5xx, a hang or a crash fails the run. A failure names the seed and
 * case index, so `--seed S --cases index+1` reproduces it.
 *
 * Exit codes: 0 no failures, 1 failures, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { startChildService } from '../src/cli/child-service.ts';
import { FUZZ_SERVE_ARGS } from '../test/reliability/fuzz-cases.ts';
import { runFuzz } from '../test/reliability/fuzz-run.ts';

const USAGE = `usage: node scripts/fuzz.ts [--cases N] [--seed S] [--concurrency C]
  --cases N        cases to send (default 5000)
  --seed S         seed, a non-negative integer (default 1)
  --concurrency C  cases in flight at once (default 4)`;

function wholeNumber(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`fuzz: --${name} must be an integer >= ${min}, got '${text}'\n`);
    process.exit(2);
  }
  return n;
}

function parseFuzzArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      cases: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parseFuzzArgs>;
  try {
    values = parseFuzzArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cases = wholeNumber('cases', values.cases, 5000, 1);
  const seed = wholeNumber('seed', values.seed, 1, 0);
  const concurrency = wholeNumber('concurrency', values.concurrency, 4, 1);
  const service = await startChildService(['--quiet', ...FUZZ_SERVE_ARGS], { OTEL_TRACES_EXPORTER: 'none' });
  const started = performance.now();
  const report = await runFuzz(service.url, {
    seed,
    cases,
    concurrency,
    onCase: (done) => {
      if (done % 500 === 0) process.stdout.write(`fuzz: ${done}/${cases}\n`);
    },
  });
  const alive = service.child.exitCode === null && service.child.signalCode === null;
  const exitCode = await service.stop();
  process.stdout.write(
    `fuzz: seed ${seed}, ${cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  process.stdout.write(`statuses ${JSON.stringify(report.statuses)}\nkinds    ${JSON.stringify(report.kinds)}\n`);
  for (const failure of report.failures.slice(0, 20))
    process.stdout.write(`FAIL case ${failure.index} (${failure.kind}): ${failure.reason}\n`);
  if (report.failures.length > 20) process.stdout.write(`... and ${report.failures.length - 20} more\n`);
  if (!alive) process.stdout.write('FAIL the service died during the run\n');
  if (exitCode !== 0) process.stdout.write(`FAIL the service exited ${exitCode} on SIGTERM\n`);
  const ok = report.failures.length === 0 && alive && exitCode === 0;
  process.stdout.write(ok ? 'fuzz: PASS\n' : 'fuzz: FAIL\n');
  return ok ? 0 : 1;
}

process.exitCode = await main();
