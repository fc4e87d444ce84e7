/**
 * Output files the service writes (the span summary) land exactly where the operator said, and
 * nowhere else. The rule: the path names a file in an existing folder; it climbs nowhere (no `..`
 * segment), its folder is reached through no symbolic link (the folder's real path is the path
 * as written), and an existing file there is a regular file, not a link or anything else.
 * Writes then go through a temporary file in that folder renamed over the target, and rename
 * replaces a link planted later instead of following it.
 *
 * A folder can pass every check and still refuse writes (`/proc`, a read-only mount, another
 * user's folder), so a probe file is written and removed there: the command fails at start with
 * one line instead of logging a failed write at every interval.
 */
import { randomBytes } from 'node:crypto';
import { lstat, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError } from '../core/command-errors.ts';

/**
 * Checks `path` (given as option `option`) against the rule; resolves with the absolute path to
 * write, or rejects with a UsageError naming the option and saying why.
 */
export async function checkOutputFile(path: string, option: string): Promise<string> {
  const refuse = (why: string): UsageError => new UsageError(`${option} ${path}: ${why}`);
  if (path.trim() === '' || path.includes('\0')) throw refuse('not a usable file name');
  if (path.split(/[\\/]/).includes('..')) throw refuse("'..' is not allowed; name the folder directly");
  const absolute = resolve(path);
  const name = basename(absolute);
  if (path.endsWith('/') || path.endsWith(sep) || name === '' || name === '.')
    throw refuse('give a file name, not a folder');
  const folder = dirname(absolute);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw refuse(`folder ${folder} does not exist`);
  const real = await realpath(folder);
  if (real !== folder)
    throw refuse(`folder ${folder} is reached through a symbolic link (its real path is ${real}); give the real path`);
  const existing = await lstat(absolute).catch(() => undefined);
  if (existing?.isDirectory()) throw refuse('is a folder; give a file name');
  if (existing && !existing.isFile())
    throw refuse('exists and is not a regular file (a symbolic link or a device); refusing to replace it');
  const probe = join(folder, `.${name}.probe-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    throw refuse(`cannot write in folder ${folder} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  await rm(probe, { force: true });
  return absolute;
}
