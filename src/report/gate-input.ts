/**
 * One side of `amanuensis compare`: a run folder (its span summary and load results, either may be
 * missing but not both) or a single result file, recognised by its content.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateInput } from './gate.ts';
import { isLoadDocument, isSummaryDocument, RUN_FILES, readJson } from './run-folder.ts';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function readFolder(dir: string): Promise<GateInput> {
  const summaryFile = join(dir, RUN_FILES.summary);
  const loadFile = join(dir, RUN_FILES.load);
  const [hasSummary, hasLoad] = await Promise.all([exists(summaryFile), exists(loadFile)]);
  if (!hasSummary && !hasLoad) throw new Error(`${dir} holds neither ${RUN_FILES.summary} nor ${RUN_FILES.load}`);
  const input: GateInput = {};
  if (hasSummary) {
    const summary = await readJson(summaryFile);
    if (!isSummaryDocument(summary)) throw new Error(`${summaryFile} is not a span summary (schema_version 1)`);
    input.summary = summary;
  }
  if (hasLoad) {
    const load = await readJson(loadFile);
    if (!isLoadDocument(load)) throw new Error(`${loadFile} is not load results (schema_version 1)`);
    input.load = load;
  }
  return input;
}

/** Reads a run folder or a result file; throws an Error naming the path and what is wrong with it. */
export async function readGateInput(path: string): Promise<GateInput> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch {
    throw new Error(`${path} does not exist`);
  }
  if (isFolder) return readFolder(path);
  const document = await readJson(path);
  if (isSummaryDocument(document)) return { summary: document };
  if (isLoadDocument(document)) return { load: document };
  throw new Error(`${path} is neither a span summary nor load results (schema_version 1)`);
}
