/**
 * A new application in a temporary folder that installs the packed package, as a user does. Every
 * command runs with the suite's Node (24, the node devDependency) first on PATH, npm's own scripts
 * included, then the application's node_modules/.bin; the npm_* and OTEL_* variables of the
 * `npm test` that started the suite are left out, so npm acts on the application and telemetry
 * goes only where the test says.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of every command: `extra` over a cleaned copy of this process's. */
function childEnv(app: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !/^(npm_|OTEL_)/i.test(name));
  const path = [dirname(process.execPath), join(app, 'node_modules', '.bin'), process.env.PATH].join(delimiter);
  return { ...Object.fromEntries(kept), PATH: path, ...extra };
}

/** Runs a command to its end (killed after `timeoutMs`) and returns its exit code and output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Ran> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface App {
  dir: string;
  /** The tarball's file list, as `npm pack` reported it. */
  packedFiles: string[];
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

/**
 * `npm pack` in the repository (its `prepare` script builds dist/), then a new application that
 * installs the tarball and the other `packages` at the versions the package itself depends on.
 */
export async function packAndInstall(packages: readonly string[]): Promise<App> {
  const root = await mkdtemp(join(tmpdir(), 'amanuensis-package-'));
  const dir = join(root, 'app');
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => childEnv(dir, extra);
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    const pack = await run('npm', ['pack', '--json', '--pack-destination', root], {
      cwd: REPO,
      env: env(),
      timeoutMs: 90_000,
    });
    if (pack.code !== 0)
      throw new Error(`npm pack failed (${pack.code}):\n${pack.stdout.slice(-2000)}${pack.stderr.slice(-2000)}`);
    const [packed] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];

    const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    const specs = packages
      .filter((name) => name !== manifest.name)
      .map((name) => {
        const version = manifest.dependencies[name];
        if (version === undefined) throw new Error(`the example imports ${name}, which the package does not depend on`);
        return `${name}@${version}`;
      });
    await mkdir(dir);
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`,
    );
    const install = await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(root, packed.filename), ...specs],
      { cwd: dir, env: env(), timeoutMs: 120_000 },
    );
    if (install.code !== 0)
      throw new Error(`npm install of the tarball failed (${install.code}):\n${install.stderr.slice(-4000)}`);
    return { dir, packedFiles: packed.files.map((file) => file.path), env, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

const LISTENING = /^amanuensis (?:collect )?listening on (\S+)$/;

/** `amanuensis serve|collect --port 0 <args>` from the application's node_modules/.bin, once it listens. */
export async function startCommand(
  app: App,
  env: NodeJS.ProcessEnv,
  command: 'serve' | 'collect',
  args: readonly string[] = [],
): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child: ChildProcess = spawn('amanuensis', [command, '--port', '0', ...args], {
    cwd: app.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`${command} exited (${code}) before listening: ${stderr.trim()}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = LISTENING.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return {
    url,
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
