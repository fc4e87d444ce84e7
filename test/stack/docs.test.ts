import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { composeServices, readRepoText, repoRoot } from './files.ts';

const DOCS = ['docs/stack.md', 'docs/backends.md', 'docs/scale-out.md'];
/** Repository files the docs refer to in backticks (configs, Grafana provisioning, the Dockerfile, scripts). */
const REPO_PATH =
  /^(?:(?:collector|prometheus|grafana|docs|scripts|test\/stack)\/(?:[\w.-]+\/)*[\w.-]+\.\w+|docker-compose\.yml|Dockerfile|\.dockerignore)$/;

describe('stack docs', () => {
  const serviceNames = new Set(composeServices().map((service) => service.name));

  for (const doc of DOCS) {
    const markdown = readRepoText(doc);

    it(`${doc} refers only to files that exist`, () => {
      const paths = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((text) => REPO_PATH.test(text));
      for (const path of paths) assert.ok(existsSync(join(repoRoot, path)), `${doc}: ${path} exists`);
      for (const link of markdown.matchAll(/\]\(([\w./-]+\.md)\)/g)) {
        assert.ok(existsSync(join(repoRoot, dirname(doc), link[1]!)), `${doc}: link ${link[1]} resolves`);
      }
    });

    it(`${doc} runs compose commands only against services that exist`, () => {
      for (const match of markdown.matchAll(/docker compose run (?:--[\w-]+ |-e \S+ )*([a-z][\w-]*)/g)) {
        assert.ok(serviceNames.has(match[1]!), `"${match[0]}" names a compose service`);
      }
    });
  }

  it('documents the live check, which npm runs from scripts/stack-check.ts', () => {
    assert.ok(
      readRepoText('docs/stack.md').includes('npm run test:stack'),
      'docs/stack.md tells how to run the live check',
    );
    assert.ok(existsSync(join(repoRoot, 'scripts/stack-check.ts')), 'scripts/stack-check.ts exists');
    const script = (JSON.parse(readRepoText('package.json')) as { scripts: Record<string, string> }).scripts[
      'test:stack'
    ];
    if (script !== undefined)
      assert.equal(script, 'node scripts/stack-check.ts', 'package.json runs the live check script');
  });
});
