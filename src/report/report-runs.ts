/**
 * The runs of `amanuensis report DIR|FILE…`: what goes together in one run section.
 *
 * - A run folder is one run (two with `profile --compare-offload`), named by the folder.
 * - Each load results file is a run of its own, named by the file: several are shown side by
 *   side, like runs, rather than concatenated (two runs of one suite have the same scenario names).
 * - Span summaries given as files merge into one (`mergeSummaries`: replicas of a service, or the
 *   `collect` instances of a scale-out). The merged summary joins the one run that has load
 *   results and no span summary, when there is exactly one such run; otherwise it is a run of
 *   its own.
 */
import { basename } from 'node:path';
import { UsageError } from '../core/command-errors.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { mergeSummaries, SummaryMergeError } from '../rollup/merge.ts';
import type { ReportRun } from './input.ts';
import { isFolder, readResultFile, readRunFolderRuns } from './result-files.ts';

function mergedSummary(files: readonly string[], documents: readonly SpanSummaryDocument[]): SpanSummaryDocument {
  if (documents.length === 1) return documents[0]!;
  try {
    return mergeSummaries(documents);
  } catch (error) {
    const where = error instanceof SummaryMergeError && error.index >= 0 ? `${files[error.index]}: ` : '';
    throw new UsageError(`${where}cannot merge the span summaries: ${(error as Error).message}`);
  }
}

/** A label per file: its name without `.json`, or the path as given when two names clash. */
function fileLabels(files: readonly string[]): string[] {
  const names = files.map((file) => basename(file).replace(/\.json$/i, ''));
  return names.map((name, i) => (names.indexOf(name) === names.lastIndexOf(name) ? name : files[i]!));
}

/** Reads every path (folder or file) and groups the documents into runs, in the order given. */
export async function reportRuns(paths: readonly string[]): Promise<ReportRun[]> {
  if (paths.length === 0) throw new UsageError('give at least one run folder or result file');
  const runs: ReportRun[] = [];
  const loose: { file: string; run: ReportRun }[] = [];
  const summaryFiles: string[] = [];
  const summaries: SpanSummaryDocument[] = [];
  for (const path of paths) {
    if (await isFolder(path)) {
      runs.push(...(await readRunFolderRuns(path)));
      continue;
    }
    const read = await readResultFile(path);
    if (read.kind === 'summary') {
      summaryFiles.push(path);
      summaries.push(read.document);
    } else {
      const run = { label: path, load: read.document };
      loose.push({ file: path, run });
      runs.push(run);
    }
  }
  const labels = fileLabels(loose.map((entry) => entry.file));
  loose.forEach((entry, i) => {
    entry.run.label = labels[i]!;
  });
  if (summaries.length === 0) return runs;
  const summary = mergedSummary(summaryFiles, summaries);
  const waiting = runs.filter((run) => run.load !== undefined && run.summary === undefined);
  if (waiting.length === 1) waiting[0]!.summary = summary;
  else
    runs.push({
      label: summaries.length === 1 ? fileLabels(summaryFiles)[0]! : `${summaries.length} span summaries merged`,
      summary,
    });
  return runs;
}
