/**
 * Safe HTML building: escaping for text and attributes, JSON that cannot end its <script>
 * element, tables (the numbers under every chart, readable without JavaScript) and trace links.
 */
import { JAEGER_HINT, traceUrl } from './input.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `<` is written as `\u003c` (still the
 * same JSON string), so no value can close the element or open a comment; U+2028/2029 likewise.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A table cell: `{ text }` escaped, or `{ html }` already safe; numbers right-aligned. */
export type Cell = string | { html: string; numeric?: boolean } | { text: string; numeric: boolean };

function cellHtml(cell: Cell, tag: 'td' | 'th'): string {
  if (typeof cell === 'string') return `<${tag}>${escapeHtml(cell)}</${tag}>`;
  const numeric = 'numeric' in cell && cell.numeric ? ' class="num"' : '';
  const content = 'html' in cell ? cell.html : escapeHtml(cell.text);
  return `<${tag}${numeric}>${content}</${tag}>`;
}

/** A number cell (right-aligned). */
export function num(text: string): Cell {
  return { text, numeric: true };
}

/** A table with a caption, a header row and a row header in the first column. */
export function htmlTable(caption: string, header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `<tr>${header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => (i === 0 ? cellHtml(cell, 'th').replace('<th', '<th scope="row"') : cellHtml(cell, 'td'))).join('')}</tr>`,
    )
    .join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/** The numbers of a chart in a collapsed `<details>` (open without JavaScript too). */
export function numbersDetails(tableHtml: string): string {
  return `<details><summary>The numbers (table)</summary>${tableHtml}</details>`;
}

/** A link to the trace in Jaeger, or the bare id when it is not a trace id. */
export function traceLink(jaegerUrl: string | undefined, traceId: string | null | undefined): string {
  if (!traceId) return '<span class="muted">no trace id</span>';
  const url = traceUrl(jaegerUrl, traceId);
  return url
    ? `<a href="${escapeHtml(url)}" rel="noreferrer"><code>${escapeHtml(traceId)}</code></a>`
    : `<code>${escapeHtml(traceId)}</code>`;
}

/** The note shown next to trace links when Jaeger was not reachable (empty when it was). */
export function jaegerNote(reachable: boolean): string {
  if (reachable) return '';
  const [before, after] = JAEGER_HINT.split('`docker compose up jaeger`');
  return `<p class="note" role="note">${escapeHtml(before ?? '')}<code>docker compose up jaeger</code>${escapeHtml(after ?? '')}.</p>`;
}
