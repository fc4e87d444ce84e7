import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeService, composeServices, readRepoText } from './files.ts';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** Instructions grouped by build stage (each FROM opens one). */
function stages(list: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of list) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

const all = instructions(readRepoText('Dockerfile'));
const byStage = stages(all);
const final = byStage.at(-1) ?? [];
const find = (list: Instruction[], keyword: string) => list.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('is multi-stage, each stage from a pinned Node 24 image', () => {
    assert.ok(byStage.length >= 2, `has at least two stages (has ${byStage.length})`);
    for (const from of find(all, 'FROM')) {
      const image = from.args.split(/\s+/)[0]!;
      assert.match(
        image,
        /^node:24\.\d+\.\d+-[\w.-]+$/,
        `${image} is node:24.<minor>.<patch>-<variant>, not a moving tag`,
      );
      assert.match(from.args, /\sAS\s+\w+$/i, `stage from ${image} is named`);
    }
  });

  it('copies from earlier stages only by name', () => {
    const names = find(all, 'FROM').map((from) => from.args.split(/\s+AS\s+/i)[1]!.trim());
    for (const copy of find(all, 'COPY').filter((c) => c.args.includes('--from='))) {
      const source = /--from=(\S+)/.exec(copy.args)![1]!;
      assert.ok(names.includes(source), `COPY --from=${source} names a stage`);
    }
  });

  it('installs production dependencies only, reproducibly', () => {
    const install = find(all, 'RUN').find((run) => run.args.includes('npm ci'));
    assert.ok(install, 'runs npm ci (the lockfile, not npm install)');
    assert.match(install.args, /--omit=dev/, 'omits devDependencies (and with them the `node` binary package)');
  });

  it('runs the service as a non-root user', () => {
    const users = find(final, 'USER');
    assert.ok(users.length > 0, 'the final stage sets USER');
    const user = users.at(-1)!.args.split(':')[0]!;
    assert.ok(!['root', '0'].includes(user), `USER ${user} is not root`);
  });

  it('checks /health without tools the slim image lacks', () => {
    const checks = find(final, 'HEALTHCHECK');
    assert.equal(checks.length, 1, 'the final stage has one HEALTHCHECK');
    assert.match(checks[0]!.args, /CMD \["node", "-e"/, 'probes with node (no curl or wget in slim images)');
    assert.match(checks[0]!.args, /\/health\b/, 'probes GET /health');
  });

  it('starts bin/amanuensis.js and serves on the port compose publishes', () => {
    assert.equal(
      find(final, 'ENTRYPOINT').at(-1)?.args,
      '["node", "bin/amanuensis.js"]',
      'runs the package bin with node',
    );
    const pkg = JSON.parse(readRepoText('package.json')) as { bin: Record<string, string> };
    assert.equal(pkg.bin.amanuensis, 'bin/amanuensis.js', 'the entrypoint is the package bin');
    const exposed = find(final, 'EXPOSE').map((e) => Number(e.args));
    const service = composeService(composeServices(), 'service');
    for (const port of service.publishedPorts) assert.ok(exposed.includes(port), `EXPOSE ${port}`);
    assert.match(
      find(final, 'HEALTHCHECK')[0]!.args,
      new RegExp(`:${exposed[0]}/health`),
      'the health check probes the exposed port',
    );
  });

  it('keeps the build context to what the image copies (.dockerignore allow-list)', () => {
    const rules = readRepoText('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(rules[0], '*', '.dockerignore starts by excluding everything');
    const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1).replace(/\/$/, ''));
    for (const copy of find(all, 'COPY').filter((c) => !c.args.includes('--from='))) {
      const sources = copy.args
        .split(/\s+/)
        .filter((arg) => !arg.startsWith('--'))
        .slice(0, -1);
      for (const source of sources)
        assert.ok(allowed.includes(source.replace(/\/$/, '')), `COPY ${source} is in the .dockerignore allow-list`);
    }
  });
});
