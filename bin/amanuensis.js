#!/usr/bin/env node
// The CLI entry. Plain JavaScript that any Node parses, so an older Node is told in one line which
// Node is needed instead of failing in the module loader. The floor is package.json's engines
// (OpenTelemetry JS 3.x's own); test/package checks that the two agree.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(`amanuensis needs Node >= 22.15 (this is v${process.versions.node})\n`);
  process.exit(1);
}

// A checkout runs the TypeScript sources (Node 24, the node devDependency, strips the types); the
// installed package ships no src/ and runs the compiled dist/, because Node strips no types under
// node_modules.
const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
const { main } = await import(checkout ? '../src/cli/main.ts' : '../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
