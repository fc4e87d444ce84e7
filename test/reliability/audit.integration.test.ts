/**
 * No high-severity advisories in production dependencies (`npm audit --omit=dev`). The audit needs
 * the registry's advisory endpoint; where the registry refuses it (a read-only mirror answers 405),
 * the test says so and skips rather than pass unseen.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

interface AuditReport {
  statusCode?: number;
  message?: string;
  metadata?: { vulnerabilities?: Record<string, number> };
}

describe('npm audit of production dependencies', () => {
  it('finds no high or critical advisories', (t) => {
    const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    let report: AuditReport;
    try {
      report = JSON.parse(result.stdout) as AuditReport;
    } catch {
      assert.fail(`npm audit printed no JSON: ${result.stderr.slice(0, 300)}`);
    }
    if (report.statusCode !== undefined && !report.metadata) {
      t.skip(`the registry refused the audit request (${report.statusCode}: ${report.message ?? ''})`);
      return;
    }
    const counts = report.metadata?.vulnerabilities ?? {};
    assert.equal((counts.high ?? 0) + (counts.critical ?? 0), 0, `high/critical advisories: ${JSON.stringify(counts)}`);
  });
});
