/**
 * One side of `amanuensis compare`: a run folder (its main pair of documents, either may be
 * missing) or a single result file, recognised by its content as `amanuensis report` does.
 */
import type { GateInput } from './gate.ts';
import { isFolder, readResultFile, readRunFolderRuns } from './result-files.ts';

/** Reads a run folder or a result file; throws a UsageError naming the path and what is wrong with it. */
export async function readGateInput(path: string): Promise<GateInput> {
  if (await isFolder(path)) {
    // The folder's main pair; a `--compare-offload` folder's other pairs are its second run.
    const [main] = await readRunFolderRuns(path);
    const input: GateInput = {};
    if (main?.summary) input.summary = main.summary;
    if (main?.load) input.load = main.load;
    return input;
  }
  const file = await readResultFile(path);
  return file.kind === 'summary' ? { summary: file.document } : { load: file.document };
}
