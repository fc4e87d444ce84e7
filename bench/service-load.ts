/**
 * Driving a real service child process from the benchmarks: one closed-model scenario through the
 * load generator library (client spans off, so only the service's tracing is measured), and the
 * child's CPU time from /proc, which shows what a configuration costs even when other processes
 * on a shared machine steal wall-clock time.
 */
import { readFileSync } from 'node:fs';
import type { BuiltinAudio, LoadOptions } from '../src/loadgen/options.ts';
import { DEFAULT_MODEL } from '../src/loadgen/options.ts';
import type { ScenarioResult } from '../src/loadgen/results.ts';
import { prepareAudio, runLoad } from '../src/loadgen/run-load.ts';

/** Generous: 16 streams of CPU-bound requests queue for tens of seconds on a busy machine. */
const REQUEST_TIMEOUT_MS = 300_000;

/** A load run of one closed scenario: `streams` loops sending `requests` clips in total. */
export function closedLoad(
  url: string,
  streams: number,
  requests: number,
  audio: BuiltinAudio,
  warmup = 0,
): LoadOptions {
  return {
    url,
    scenarios: [
      {
        name: `${streams}x${requests} ${audio}`,
        model: 'closed',
        streams,
        audio: { kind: 'builtin', name: audio },
        requests,
        warmup,
      },
    ],
    timeoutMs: REQUEST_TIMEOUT_MS,
    model: DEFAULT_MODEL,
    trace: false,
    thresholds: [],
    out: undefined,
    progress: 'none',
    suite: undefined,
  };
}

/** Runs `options` (one scenario) and returns its result. The clips are prepared once per call. */
export async function runClosed(options: LoadOptions): Promise<ScenarioResult> {
  const results = await runLoad(options, { audio: await prepareAudio(options) });
  const [scenario] = results.scenarios;
  if (!scenario) throw new Error('the load run returned no scenario');
  return scenario;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux port Node runs on). */
const USER_HZ = 100;

/**
 * User + system CPU seconds a process (all its threads) has used, from /proc/<pid>/stat; undefined
 * where /proc is unavailable.
 */
export function processCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread alone (its thread id is the process id): where the
 *  service's spans are made and exported, while the pool's worker threads do the compute. */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuSeconds(path: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return cpuSecondsFromStat(stat);
}

/** Busy CPU seconds of the whole machine, all cores (everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  return busySecondsFromProcStat(stat);
}

/** Parses the aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal ... */
export function busySecondsFromProcStat(stat: string): number | undefined {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  if (ticks.length < 5 || ticks.some((t) => !Number.isFinite(t))) return undefined;
  // Guest time is already counted in user and nice; steal is time the hypervisor gave elsewhere.
  const [user, nice, system, , , irq = 0, softirq = 0] = ticks as [
    number,
    number,
    number,
    number,
    number,
    number?,
    number?,
  ];
  return (user + nice + system + irq + softirq) / USER_HZ;
}

/** Parses utime + stime out of a /proc/<pid>/stat line (the command name may hold spaces and parentheses). */
export function cpuSecondsFromStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the line, utime field 14 and stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : undefined;
}
