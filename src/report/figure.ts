/**
 * A figure of the HTML report: a Chart.js configuration (plain JSON, drawn by the page's script)
 * together with its heading, caption and the table of the same numbers.
 */

export interface Dataset {
  label: string;
  data: unknown[];
  type?: 'bar' | 'line' | 'scatter';
  [option: string]: unknown;
}

/** What the page's script hands to `new Chart(canvas, config)`, plus units for the tooltips. */
export interface ChartSpec {
  id: string;
  config: {
    type: 'bar' | 'line' | 'scatter';
    data: { labels?: string[]; datasets: Dataset[] };
    options: Record<string, unknown>;
  };
  /** The unit of each dataset's values, in dataset order. */
  units: string[];
  /** The unit of x for point data ({x, y}). */
  xUnit?: string;
}

export interface Figure {
  id: string;
  title: string;
  /** What the chart shows and how to read it (HTML, already escaped). */
  captionHtml: string;
  /** A one-line description for screen readers (plain text). */
  altText: string;
  /** The same numbers as a table (HTML). */
  tableHtml: string;
  chart: ChartSpec;
  heightPx: number;
  /** Takes the full width of the page. */
  wide?: boolean;
}

/** A value axis with a title that names its unit. */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { display: true, text: title }, ...extra };
}

/** Options every chart shares; the rest is per chart. */
export function baseOptions(
  scales: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: 'bottom' } },
    scales,
    ...extra,
  };
}
