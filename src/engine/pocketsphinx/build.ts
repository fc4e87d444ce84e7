/**
 * `npm run build:pocketsphinx`: compiles native/ (binding.gyp) into
 * native/build/Release/pocketsphinx.node with the node-gyp bundled in npm, against Node-API
 * headers already on disk (no download), after checking that the Debian development packages are
 * there. Node-API is ABI-stable, so any Node >= 16 headers build an addon that Node 24 loads.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDON_PATH, NATIVE_DIR, unavailable } from './setup.ts';

const REPO_ROOT = resolve(NATIVE_DIR, '..');

function hasHeaders(dir: string): boolean {
  return (
    existsSync(join(dir, 'include', 'node', 'node_api.h')) && existsSync(join(dir, 'include', 'node', 'common.gypi'))
  );
}

/**
 * Node headers for node-gyp's --nodedir, first found of: npm_config_nodedir; the `node`
 * devDependency's platform package (present after `npm ci`); the running node's own prefix;
 * the system's (Debian's nodejs ships /usr/include/node).
 */
export function findNodeDir(): string | undefined {
  const candidates = [
    process.env.npm_config_nodedir,
    join(REPO_ROOT, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`),
    dirname(dirname(process.execPath)),
    '/usr/local',
    '/usr',
  ];
  return candidates.find((dir): dir is string => dir !== undefined && dir !== '' && hasHeaders(dir));
}

/** node-gyp's entry script: the one npm sets for scripts, else the copy bundled with the npm on PATH. */
export function findNodeGyp(): string | undefined {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (!existsSync(npm)) continue;
    const script = join(dirname(realpathSync(npm)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(script)) return script;
  }
  return undefined;
}

/** Throws `unavailable(...)` unless pkg-config knows the PocketSphinx and SphinxBase development packages. */
export function checkDevPackages(): void {
  const probe = spawnSync('pkg-config', ['--exists', 'pocketsphinx', 'sphinxbase']);
  if (probe.error) throw unavailable('pkg-config is not installed');
  if (probe.status !== 0)
    throw unavailable(
      'the PocketSphinx development packages are not installed (pkg-config cannot find pocketsphinx, sphinxbase)',
    );
}

/**
 * Builds the addon. `output` 'inherit' shows the compiler's output (the npm script); 'capture'
 * keeps it and puts it in the error message on failure (tests).
 */
export async function buildAddon(output: 'inherit' | 'capture' = 'inherit'): Promise<string> {
  checkDevPackages();
  const nodeGyp = findNodeGyp();
  if (!nodeGyp)
    throw new Error('node-gyp not found: run this through npm (npm run build:pocketsphinx), which bundles it');
  const nodeDir = findNodeDir();
  const args = [nodeGyp, 'rebuild', ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])];
  const child = spawn(process.execPath, args, {
    cwd: NATIVE_DIR,
    stdio: output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  const captured: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => captured.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => captured.push(chunk.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  if (code !== 0 || !existsSync(ADDON_PATH)) {
    throw new Error(
      `node-gyp failed (exit ${code}) building ${NATIVE_DIR}${captured.length > 0 ? `:\n${captured.join('').slice(-4000)}` : ''}`,
    );
  }
  return ADDON_PATH;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildAddon('inherit').then(
    (path) => process.stdout.write(`built ${path}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
