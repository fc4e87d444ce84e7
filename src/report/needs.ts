/**
 * What a report says in place of a panel whose document is missing: results of a target that
 * sends its spans nowhere have no span summary, and a span summary from `collect` comes without
 * load results. One sentence per missing document, shared by the HTML and the terminal report,
 * so both tell the reader the same way to get the panel.
 */
import { escapeHtml } from './html-util.ts';

/** The panels drawn from the server's spans (the span summary), when there is none. */
export const NEEDS_SPANS =
  "No span summary: this needs the server's spans. Send the target's traces to `amanuensis collect` (or run `amanuensis profile --target URL --collect`) and pass its span-summary.json to `amanuensis report` too.";

/** The panels drawn from the load generator's measurements, when there are none. */
export const NEEDS_LOAD =
  "No load results: this needs the load generator's measurements. Run `amanuensis load --url URL --out load-results.json` and pass that file to `amanuensis report` too.";

/** Escaped text with `backticked` parts as code. */
export function withCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** The note alone, for inside a panel that has its own heading. */
export function needsNote(text: string): string {
  return `<p class="note needs" role="note">${withCode(text)}</p>`;
}

/** A panel in place of a missing one: its heading, and the note saying what it needs. */
export function needsPanel(title: string, text: string): string {
  return `<div class="panel"><h3>${escapeHtml(title)}</h3>${needsNote(text)}</div>`;
}

/** The comparison's tables of changes, when a run lacks one of the documents they compare. */
export const COMPARISON_NEEDS =
  'No table of changes: it compares stages and scenarios, so it needs a span summary and load results for every run.';
