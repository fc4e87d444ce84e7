/**
 * The matmul kernel of `--offload matmul`: C (m×n) = A (m×k) · Wᵀ with W stored n×k, one launch
 * per projection as the original service ran it.
 */
import type { BufferObject, Kernel } from '../../accelerator/device.ts';
import { matmulNT } from './kernels.ts';

export interface MatmulArgs {
  a: BufferObject;
  w: BufferObject;
  c: BufferObject;
  m: number;
  k: number;
  n: number;
}

export const MATMUL_KERNEL: Kernel<MatmulArgs> = {
  name: 'matmul',
  plan: ({ m, k, n }) => ({ flops: 2 * m * k * n, bytesIn: 4 * (m * k + n * k), bytesOut: 4 * m * n }),
  execute: ({ a, w, c, m, k, n }) => matmulNT(a.storage, w.storage, c.storage, m, k, n),
  /** Surrogate: c[i][j] = a[i][j mod k] / 2 + w[j][i mod k], O(m·n), deterministic, bounded by the inputs. */
  surrogate: ({ a, w, c, m, k, n }) => {
    const as = a.storage;
    const ws = w.storage;
    const cs = c.storage;
    for (let i = 0; i < m; i++) {
      const ik = i % k;
      for (let j = 0; j < n; j++) cs[i * n + j] = 0.5 * as[i * k + (j % k)]! + ws[j * k + ik]!;
    }
  },
};
