/** Opens the device a pass runs on, from the target carried in its task payload. */
import { CpuDevice } from './cpu-device.ts';
import type { Device, DeviceTarget } from './device.ts';
import { NpuSimDevice } from './npu-sim.ts';

export function openDevice(target: DeviceTarget): Device {
  if (target.device === 'cpu') return new CpuDevice();
  if (target.column === undefined) throw new Error('an npu-sim pass needs a leased column');
  return new NpuSimDevice(target.column, target.timing);
}
