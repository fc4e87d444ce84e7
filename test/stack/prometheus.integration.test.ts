import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { endpointPort, loadCollectorConfig, onlyOfType } from './collector-config.ts';
import { asRecord, asStrings, composeService, composeServices, readRepoYaml, repoRoot } from './files.ts';

const execFileAsync = promisify(execFile);
const CONFIG = 'prometheus/prometheus.yml';
const config = asRecord(readRepoYaml(CONFIG));
const jobs = (Array.isArray(config.scrape_configs) ? config.scrape_configs : []).map(asRecord);
const prometheus = composeService(composeServices(), 'prometheus');

/** The jobs scraping a target, by `host:port`. */
function jobsScraping(target: string): Array<Record<string, unknown>> {
  return jobs.filter((job) =>
    (Array.isArray(job.static_configs) ? job.static_configs : []).some((group) =>
      asStrings(asRecord(group).targets).includes(target),
    ),
  );
}

/** The scrape protocols a job offers, in order (its own, the global ones, or Prometheus 3's default). */
function offeredProtocols(job: Record<string, unknown>): string[] {
  const own = asStrings(job.scrape_protocols);
  const global = asStrings(asRecord(config.global).scrape_protocols);
  if (own.length > 0) return own;
  if (global.length > 0) return global;
  // Prometheus 3's DefaultScrapeProtocols (config/config.go); native histograms put PrometheusProto first.
  return job.scrape_native_histograms === true
    ? ['PrometheusProto', 'OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']
    : ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];
}

describe('prometheus/prometheus.yml', () => {
  // Debian bookworm's promtool (2.42) is older than the image (3.14). The file uses nothing newer than
  // both (it relies on Prometheus 3's default scrape_protocols instead of setting them), so both read it.
  it('is accepted by promtool check config', async (t) => {
    try {
      await execFileAsync('promtool', ['check', 'config', CONFIG], { cwd: repoRoot });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        t.skip('promtool is not installed (Debian package prometheus); the checks below still run');
        return;
      }
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      assert.fail(`promtool rejected ${CONFIG}: ${stdout ?? ''}${stderr ?? ''}`);
    }
  });

  it('is the file the compose service loads', () => {
    const flag = prometheus.command.find((arg) => arg.startsWith('--config.file='));
    assert.ok(flag, 'prometheus is started with --config.file');
    const path = flag.slice('--config.file='.length);
    assert.ok(prometheus.volumes.includes(`./${CONFIG}:${path}:ro`), `${CONFIG} is mounted read-only at ${path}`);
  });
});

describe('exemplars in the compose stack', () => {
  it('are stored: Prometheus runs with the exemplar-storage feature', () => {
    const features = prometheus.command
      .filter((arg) => arg.startsWith('--enable-feature='))
      .flatMap((arg) => arg.slice('--enable-feature='.length).split(','));
    assert.ok(
      features.includes('exemplar-storage'),
      `--enable-feature=exemplar-storage is set (features: ${features.join(', ') || 'none'})`,
    );
    const max = asRecord(asRecord(config.storage).exemplars).max_exemplars;
    assert.ok(max === undefined || Number(max) > 0, 'storage.exemplars.max_exemplars, when set, keeps some');
  });

  it("are scraped from the service's /metrics and the collector's span metrics", () => {
    const collector = loadCollectorConfig('collector/collector.yaml');
    const exporterPort = endpointPort(onlyOfType(collector, 'exporters', 'prometheus').endpoint);
    for (const target of ['service:8080', `collector:${exporterPort}`]) {
      const scraping = jobsScraping(target);
      assert.equal(scraping.length, 1, `one job scrapes ${target}`);
    }
  });

  it('arrive because every job negotiates OpenMetrics first, the text format that carries them', () => {
    for (const job of jobs) {
      const first = offeredProtocols(job)[0];
      assert.match(
        first ?? '',
        /^OpenMetricsText/,
        `job ${String(job.job_name)} asks for OpenMetrics first (offers ${offeredProtocols(job).join(', ')})`,
      );
    }
  });
});
