/**
 * The machine a benchmark ran on, for the table header and the JSON: numbers measured here are only
 * comparable with numbers from the same CPU, core count and Node version.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  available_parallelism: number;
  node: string;
  platform: string;
  total_memory_bytes: number;
  /** 1-minute load average when the run started: above `cores`, other work shared the machine. */
  load_average_1m_start: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu_model: list[0]?.model.trim() || 'unknown',
    cores: list.length,
    available_parallelism: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    total_memory_bytes: totalmem(),
    load_average_1m_start: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** One line for the table header. */
export function machineLine(machine: MachineInfo): string {
  return `${machine.cpu_model}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}, load ${machine.load_average_1m_start} at start`;
}
