import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { SPAN_DURATION_METRIC, SPAN_NAME_LABEL } from '../../src/rollup/metrics.ts';
import { endpointPort, loadCollectorConfig, onlyOfType } from './collector-config.ts';
import {
  asRecord,
  composeService,
  composeServices,
  readRepoText,
  readRepoYaml,
  repoRoot,
  volumeMounts,
} from './files.ts';

/**
 * Grafana reads its provisioning at start-up and logs (not fails on) most mistakes: a data source uid
 * the dashboard does not know shows "data source not found" in a panel, a wrong metric name an empty
 * graph. These tests read the same files with real parsers (YAML, JSON, promtool for PromQL) and check
 * them against the compose file, the collector config and the service's metric names.
 */
const execFileAsync = promisify(execFile);
const services = composeServices();
const grafana = composeService(services, 'grafana');
const grafanaMounts = volumeMounts(grafana);

/** The exemplar label both exporters put the trace id in (OpenMetrics `trace_id`, otlptranslator.ExemplarTraceIDKey). */
const EXEMPLAR_TRACE_ID_LABEL = 'trace_id';
/** The service's histogram as the design contract names it ("Metrics for operations": seconds, the Prometheus base unit). */
const CONTRACT_METRIC = 'amanuensis_span_duration_seconds';
/** Until the service exports the contract's name, the check against what it emits is reported as to do. */
const serviceOnContract = SPAN_DURATION_METRIC === CONTRACT_METRIC;

/** The repository path mounted at (or above) a container path in the grafana service. */
function hostPathOf(containerPath: string): string | undefined {
  const mount = grafanaMounts.find((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`));
  return mount && join(mount.source, posix.relative(mount.target, containerPath));
}

/** The YAML files of one provisioning kind (datasources, dashboards), as compose mounts them. */
function provisioningFiles(kind: string): string[] {
  const dir = hostPathOf(`/etc/grafana/provisioning/${kind}`);
  assert.ok(dir, `grafana mounts a folder at /etc/grafana/provisioning/${kind}`);
  return readdirSync(join(repoRoot, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name));
}

const datasources = provisioningFiles('datasources').flatMap((file) => {
  const list = asRecord(readRepoYaml(file)).datasources;
  return (Array.isArray(list) ? list : []).map(asRecord);
});
const datasourceTypes = new Map(datasources.map((ds) => [String(ds.uid), String(ds.type)]));
const providers = provisioningFiles('dashboards').flatMap((file) => {
  const list = asRecord(readRepoYaml(file)).providers;
  return (Array.isArray(list) ? list : []).map(asRecord);
});

/** Every dashboard file the providers load, read from the repository folder mounted at their path. */
const dashboardFiles = providers.flatMap((provider) => {
  const dir = hostPathOf(String(asRecord(provider.options).path));
  return dir === undefined
    ? []
    : readdirSync(join(repoRoot, dir))
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(dir, name));
});

interface Target {
  panel: Record<string, unknown>;
  target: Record<string, unknown>;
}

function panelsOf(dashboard: Record<string, unknown>): Array<Record<string, unknown>> {
  const top = Array.isArray(dashboard.panels) ? dashboard.panels.map(asRecord) : [];
  // Rows may nest their panels when collapsed.
  return top.flatMap((panel) => [panel, ...(Array.isArray(panel.panels) ? panel.panels.map(asRecord) : [])]);
}

function targetsOf(dashboard: Record<string, unknown>): Target[] {
  return panelsOf(dashboard).flatMap((panel) =>
    Array.isArray(panel.targets) ? panel.targets.map((target) => ({ panel, target: asRecord(target) })) : [],
  );
}

/** Metric names a PromQL expression selects: identifiers outside label matchers, grouping clauses and ranges, not called as functions. */
function selectedMetrics(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const keywords = new Set([
    'by',
    'without',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'bool',
    'and',
    'or',
    'unless',
    'offset',
    'inf',
    'nan',
  ]);
  return [...stripped.matchAll(/(?<![\w:.])([A-Za-z_:][\w:]*)(?![\w:]|\s*\()/g)]
    .map((m) => m[1]!)
    .filter((name) => !keywords.has(name.toLowerCase()));
}

/** The series names the stack exposes for span durations: the service's own and the collector's span metrics. */
function emittedMetrics(): Map<string, string> {
  const emitted = new Map<string, string>();
  for (const suffix of ['_bucket', '_sum', '_count'])
    emitted.set(`${SPAN_DURATION_METRIC}${suffix}`, 'service /metrics');
  const collector = loadCollectorConfig('collector/collector.yaml');
  const connector = onlyOfType(collector, 'connectors', 'span_metrics');
  const namespace = String(connector.namespace).replaceAll('.', '_');
  const unitWord = { ms: 'milliseconds', s: 'seconds' }[String(asRecord(connector.histogram).unit ?? 'ms')];
  for (const suffix of ['_bucket', '_sum', '_count'])
    emitted.set(`${namespace}_duration_${unitWord}${suffix}`, 'collector span_metrics');
  emitted.set(`${namespace}_calls_total`, 'collector span_metrics');
  return emitted;
}

describe('Grafana provisioning (grafana/provisioning)', () => {
  it('gives every data source a name, a type and a unique uid', () => {
    assert.ok(datasources.length >= 2, 'provisions at least Prometheus and Jaeger');
    for (const ds of datasources) {
      assert.ok(ds.name && ds.type && ds.uid, `data source ${String(ds.name)} has name, type and uid`);
    }
    assert.equal(datasourceTypes.size, datasources.length, 'uids are unique');
    assert.deepEqual(
      [...datasourceTypes.values()].filter((t) => t === 'prometheus' || t === 'jaeger').sort(),
      ['jaeger', 'prometheus'],
      'one Prometheus and one Jaeger data source',
    );
    assert.equal(datasources.filter((ds) => ds.isDefault === true).length, 1, 'exactly one default data source');
  });

  it('reaches Prometheus and Jaeger by their compose service names and ports', () => {
    const jaegerQuery = asRecord(
      asRecord(loadCollectorConfig('collector/jaeger.yaml').extensions.jaeger_query).http,
    ).endpoint;
    const expectedPort: Record<string, number> = { prometheus: 9090, jaeger: endpointPort(jaegerQuery) };
    for (const ds of datasources) {
      const url = new URL(String(ds.url));
      const service = composeService(services, url.hostname);
      assert.equal(
        Number(url.port),
        expectedPort[service.name],
        `${String(ds.name)} uses ${service.name}'s port ${expectedPort[service.name]}`,
      );
      assert.equal(
        ds.access,
        'proxy',
        `${String(ds.name)} is queried by the Grafana server (the browser cannot resolve ${url.hostname})`,
      );
    }
  });

  it('links every exemplar trace id to Jaeger: its UI on the published port, and the Jaeger data source', () => {
    const prometheus = datasources.find((ds) => ds.type === 'prometheus')!;
    const destinations = asRecord(prometheus.jsonData).exemplarTraceIdDestinations;
    assert.ok(
      Array.isArray(destinations) && destinations.length > 0,
      'the Prometheus data source has exemplarTraceIdDestinations',
    );
    const jaegerPorts = composeService(services, 'jaeger').publishedPorts;
    let urlLinks = 0;
    for (const raw of destinations) {
      const destination = asRecord(raw);
      assert.equal(
        destination.name,
        EXEMPLAR_TRACE_ID_LABEL,
        `a destination reads the exemplar label ${EXEMPLAR_TRACE_ID_LABEL}`,
      );
      if (destination.datasourceUid !== undefined) {
        assert.equal(
          datasourceTypes.get(String(destination.datasourceUid)),
          'jaeger',
          `datasourceUid ${String(destination.datasourceUid)} is the Jaeger data source`,
        );
      } else {
        urlLinks++;
        const url = String(destination.url);
        assert.ok(
          url.includes('$${__value.raw}'),
          `${url} escapes Grafana's placeholder as $\${__value.raw} (provisioning expands $VARS)`,
        );
        const parsed = new URL(url.replace('$${__value.raw}', '0123456789abcdef0123456789abcdef'));
        assert.equal(parsed.hostname, 'localhost', 'the browser opens the Jaeger UI on the host');
        assert.ok(
          jaegerPorts.includes(Number(parsed.port)),
          `port ${parsed.port} is the one compose publishes for Jaeger`,
        );
        assert.match(parsed.pathname, /^\/trace\/[0-9a-f]{32}$/, "the link opens Jaeger's trace view");
      }
    }
    assert.ok(urlLinks > 0, 'at least one link opens the Jaeger UI directly (anonymous viewers may not use Explore)');
  });

  it('loads dashboards from a folder compose mounts, and only from the repository', () => {
    assert.ok(providers.length > 0, 'a dashboard provider is provisioned');
    for (const provider of providers) {
      assert.equal(provider.type, 'file', `${String(provider.name)} reads files`);
      const path = String(asRecord(provider.options).path);
      const dir = hostPathOf(path);
      assert.ok(dir, `${path} is mounted into the grafana container`);
      assert.ok(existsSync(join(repoRoot, dir)), `${dir} exists in the repository`);
      assert.equal(provider.allowUiUpdates, false, 'the UI cannot overwrite the repository dashboards');
    }
    assert.ok(dashboardFiles.length > 0, 'the mounted folder holds dashboards');
  });
});

describe('grafana/dashboards', () => {
  for (const file of dashboardFiles) {
    describe(file, () => {
      const dashboard = asRecord(JSON.parse(readRepoText(file)));

      it('is a dashboard model Grafana loads: uid, title, schema version, laid-out panels with unique ids', () => {
        assert.match(String(dashboard.uid), /^[\w-]{1,40}$/, 'a fixed uid (a stable URL), at most 40 characters');
        assert.ok(typeof dashboard.title === 'string' && dashboard.title.length > 0, 'a title');
        assert.ok(
          Number.isInteger(dashboard.schemaVersion) && Number(dashboard.schemaVersion) >= 36,
          'a current schemaVersion',
        );
        assert.equal(dashboard.id, undefined, 'no database id (provisioning assigns it)');
        const panels = panelsOf(dashboard);
        assert.ok(panels.length > 0, 'has panels');
        const ids = panels.map((panel) => panel.id);
        assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
        for (const panel of panels) {
          assert.ok(Number.isInteger(panel.id), `panel "${String(panel.title)}" has an integer id`);
          assert.ok(
            ['timeseries', 'text', 'stat', 'table', 'heatmap', 'row'].includes(String(panel.type)),
            `panel "${String(panel.title)}" is a core panel type`,
          );
          const grid = asRecord(panel.gridPos);
          for (const key of ['h', 'w', 'x', 'y'])
            assert.ok(Number.isInteger(grid[key]), `panel "${String(panel.title)}" gridPos.${key} is an integer`);
          assert.ok(Number(grid.x) + Number(grid.w) <= 24, `panel "${String(panel.title)}" fits the 24-column grid`);
        }
      });

      it('refers only to provisioned data sources, by uid and matching type', () => {
        const references = [
          ...panelsOf(dashboard).map((panel) => ({ where: `panel "${String(panel.title)}"`, ref: panel.datasource })),
          ...targetsOf(dashboard).map(({ panel, target }) => ({
            where: `panel "${String(panel.title)}" query ${String(target.refId)}`,
            ref: target.datasource,
          })),
        ].filter(({ ref }) => ref !== undefined);
        assert.ok(references.length > 0, 'names its data sources');
        for (const { where, ref } of references) {
          const { uid, type } = asRecord(ref);
          assert.ok(datasourceTypes.has(String(uid)), `${where}: data source uid ${String(uid)} is provisioned`);
          assert.equal(
            type,
            datasourceTypes.get(String(uid)),
            `${where}: data source ${String(uid)} has type ${String(type)}`,
          );
        }
      });

      it('queries only span-duration series that the service and the collector emit', {
        todo: serviceOnContract
          ? false
          : `the service still exports ${SPAN_DURATION_METRIC}, the dashboard queries the contract's ${CONTRACT_METRIC}`,
      }, () => {
        const emitted = emittedMetrics();
        const targets = targetsOf(dashboard);
        assert.ok(targets.length > 0, 'has queries');
        for (const { panel, target } of targets) {
          assert.ok(typeof target.refId === 'string', `panel "${String(panel.title)}": every query has a refId`);
          const metrics = selectedMetrics(String(target.expr));
          assert.ok(metrics.length > 0, `panel "${String(panel.title)}": ${String(target.expr)} selects a metric`);
          for (const metric of metrics) {
            assert.ok(
              emitted.has(metric),
              `panel "${String(panel.title)}" queries ${metric}, which nothing emits (emitted: ${[...emitted.keys()].join(', ')})`,
            );
          }
        }
      });

      it('writes PromQL that Prometheus parses (promtool check rules)', async (t) => {
        const exprs = targetsOf(dashboard).map(({ panel, target }) => ({
          record: `dashboard:panel${String(panel.id)}_${String(target.refId)}`,
          expr: String(target.expr),
        }));
        const dir = mkdtempSync(join(tmpdir(), 'amanuensis-dashboard-'));
        try {
          const rules = join(dir, 'rules.yml');
          writeFileSync(rules, stringify({ groups: [{ name: 'dashboard', rules: exprs }] }));
          await execFileAsync('promtool', ['check', 'rules', rules]);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            t.skip('promtool is not installed (Debian package prometheus)');
            return;
          }
          const { stdout, stderr } = error as { stdout?: string; stderr?: string };
          assert.fail(`promtool rejected a query of ${file}: ${stdout ?? ''}${stderr ?? ''}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});

describe('the p99-per-stage panel', () => {
  const all = dashboardFiles.flatMap((file) => targetsOf(asRecord(JSON.parse(readRepoText(file)))));
  const bucket = `${CONTRACT_METRIC}_bucket`;
  const p99 = all.filter(
    ({ target }) => String(target.expr).includes(bucket) && /^histogram_quantile\(0\.99,/.test(String(target.expr)),
  );

  it("shows the 0.99 quantile of the service's histogram per span name", () => {
    assert.equal(p99.length, 1, `one query takes histogram_quantile(0.99, ...) of ${bucket}`);
    const { panel, target } = p99[0]!;
    assert.equal(panel.type, 'timeseries', 'drawn as a time series');
    const expr = String(target.expr).replace(/\s+/g, ' ');
    assert.ok(
      expr.includes(`sum by (le, ${SPAN_NAME_LABEL}) (rate(${bucket}[`),
      `sums rates of the buckets by le and ${SPAN_NAME_LABEL}: ${expr}`,
    );
    assert.ok(String(target.legendFormat).includes(`{{${SPAN_NAME_LABEL}}}`), 'one legend entry per stage');
    assert.equal(
      asRecord(asRecord(panel.fieldConfig).defaults).unit,
      's',
      'the axis is in seconds, the unit of the metric',
    );
  });

  it('asks for exemplars, which the Prometheus data source links to Jaeger', () => {
    for (const { panel, target } of all.filter(({ panel }) => panel.type === 'timeseries')) {
      assert.equal(
        target.exemplar,
        true,
        `panel "${String(panel.title)}" query ${String(target.refId)} has exemplars switched on`,
      );
    }
    assert.equal(p99[0]?.target.exemplar, true, 'the p99 query shows exemplars');
  });
});

describe('the grafana compose service', () => {
  const env = grafana.environment;

  it('lets an anonymous visitor view the dashboards, and nothing more', () => {
    assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'true', 'anonymous access is on: a browser is enough');
    assert.equal(env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer', 'anonymous visitors are viewers');
  });

  it('opens on a provisioned dashboard', () => {
    const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    assert.ok(home, 'a home dashboard is set');
    const hostPath = hostPathOf(home);
    assert.ok(hostPath && dashboardFiles.includes(hostPath), `${home} is one of the provisioned dashboards`);
  });

  it('mounts its configuration read-only from the repository', () => {
    assert.ok(grafanaMounts.length > 0, 'grafana mounts its provisioning');
    for (const mount of grafanaMounts) {
      assert.ok(mount.bind && mount.readOnly, `${mount.source} is a read-only bind mount`);
      assert.ok(existsSync(join(repoRoot, mount.source)), `${mount.source} exists`);
    }
  });

  it('waits for the data sources it provisions', () => {
    for (const name of ['prometheus', 'jaeger']) {
      assert.equal(grafana.dependsOn[name], 'service_healthy', `grafana starts after ${name} is healthy`);
    }
  });
});
