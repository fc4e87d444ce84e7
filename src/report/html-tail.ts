/**
 * "Why the tail is slow": for the whole run and each scenario, the tail line and the stages ranked
 * by how much more time they take in the slow requests than in the median ones; and a chart of
 * the same extra time, stage by stage, one bar per view.
 */
import { percent, quantileName, tailExtraMs, tailLine, unattributedLine } from './attribution.ts';
import { isWait, stageColors, WAIT_COLOR } from './colors.ts';
import { axis, baseOptions, type Figure } from './figure.ts';
import { formatCount, formatMs, formatSigned, msNumber } from './format.ts';
import { escapeHtml, htmlTable, num } from './html-util.ts';
import type { ReportRun } from './input.ts';
import { NEEDS_SPANS, needsNote } from './needs.ts';
import { families } from './self-time.ts';
import { chartedStages, hasAttribution, type TailView, tailSplit, tailViews } from './tail-views.ts';
import { spanTree } from './tree.ts';

/** Ranked rows shown per view; the whole ranking is in the span summary. */
const RANKED_ROWS = 8;
const OTHER_COLOR = '#cbd5e1';

/** Stage hues as in the stage chart (by family), waits in the wait colour. */
function colors(run: ReportRun, stages: readonly string[]): string[] {
  const root = run.summary && spanTree(run.summary);
  const family = root ? families(root) : new Map<string, string>();
  const byName = stageColors(stages.map((name) => ({ name, family: family.get(name) ?? name })));
  return stages.map((name) => (isWait(name) ? WAIT_COLOR : byName.get(name)!));
}

function shareBar(share: number): string {
  const width = Math.round(Math.max(0, Math.min(1, share)) * 120);
  return `<span class="share-bar" style="width:${width}px"></span> ${escapeHtml(percent(share))}`;
}

function viewHtml(view: TailView, open: boolean): string {
  const { tail } = view.entry;
  const rows = tail.stages
    .slice(0, RANKED_ROWS)
    .map((s, i) => [
      String(i + 1),
      s.name,
      num(formatMs(s.slow_mean_ms)),
      num(formatMs(s.baseline_mean_ms)),
      num(formatSigned(s.delta_ms, formatMs)),
      { html: shareBar(s.share) },
    ]);
  const who =
    `${formatCount(tail.slow_count)} requests at or above ${quantileName(tail.slow_quantile)} of <code>${escapeHtml(view.entry.root)}</code> ` +
    `(${formatMs(tail.slow_threshold_ms)} or more) against ${formatCount(tail.baseline_count)} between p25 and p75; ${escapeHtml(unattributedLine(view.entry))}.`;
  const table =
    rows.length > 0
      ? htmlTable(
          `${view.label}: stages ranked by extra self time per slow request`,
          ['rank', 'stage', 'slow requests', 'median requests', 'extra', 'share of the extra'],
          rows,
        )
      : '';
  return (
    `<details class="tail"${open ? ' open' : ''}><summary><strong>${escapeHtml(view.label)}</strong>: <span class="tail-line">${escapeHtml(tailLine(tail))}</span></summary>` +
    `<p class="muted">${who}</p>${table}</details>`
  );
}

/** The panel; says plainly when there is no span summary, or one without attribution. */
export function tailPanel(run: ReportRun): string {
  const views = tailViews(run);
  const intro =
    '<p>Slow requests (at or above p95 of the request span, unless the summary says otherwise) against median ones (p25 to p75): the mean <em>self time</em> per request ' +
    "of each span name in each group, and the difference. The stages with the largest difference are where the tail's extra time goes; the shares add up to about 100 %. " +
    'Waiting has spans of its own (<code>worker.queue_wait</code>, <code>admission.wait</code>), so queueing shows up here by name.</p>';
  const body =
    hasAttribution(run) || (!run.summary && views.length > 0)
      ? views.map((view, i) => viewHtml(view, i === 0)).join('')
      : run.summary
        ? '<p class="note" role="note">This span summary has no request attribution (it was written by a version that did not keep it), so the tail cannot be explained here. Run the profile again to get it.</p>'
        : needsNote(NEEDS_SPANS);
  return `<div class="panel"><h3>Why the tail is slow</h3>${intro}${body}</div>`;
}

/** The extra time of each view's slow requests, stacked by stage; undefined without attribution. */
export function tailFigure(run: ReportRun, id: string): Figure | undefined {
  const views = tailViews(run).filter((v) => v.entry.tail.slow_count > 0 && v.entry.tail.baseline_count > 0);
  if (views.length === 0) return undefined;
  const stages = chartedStages(views);
  const splits = views.map((v) => tailSplit(v, stages));
  const palette = colors(run, stages);
  const datasets = [
    ...stages.map((name, i) => ({
      label: name,
      data: splits.map((s) => s.perStage[i]),
      backgroundColor: palette[i],
      stack: 'tail',
    })),
    { label: 'other stages', data: splits.map((s) => s.otherMs), backgroundColor: OTHER_COLOR, stack: 'tail' },
  ];
  const rows = views.map((v, i) => [
    v.label,
    num(msNumber(tailExtraMs(v.entry.tail))),
    ...splits[i]!.perStage.map((ms) => num(msNumber(ms))),
    num(msNumber(splits[i]!.otherMs)),
  ]);
  return {
    id,
    title: "Where the tail's extra time goes",
    captionHtml:
      'Each bar is how much longer a slow request (p95 and above) takes than a median one (p25 to p75), split by the stages that take the extra time ' +
      '(extra self time per request, ms); one bar for the whole run, one per scenario. A bar dominated by one colour names the cause.',
    altText:
      'Stacked horizontal bar chart of the extra milliseconds of slow requests per stage, for the run and each scenario.',
    tableHtml: htmlTable(
      'Extra self time per slow request, by stage, ms',
      ['view', 'extra in all', ...stages, 'other stages'],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data: { labels: views.map((v) => v.label), datasets },
        options: baseOptions(
          {
            x: axis('extra ms per slow request', { stacked: true, beginAtZero: true }),
            y: { stacked: true, ticks: { autoSkip: false } },
          },
          { indexAxis: 'y' },
        ),
      },
      units: datasets.map(() => 'ms'),
    },
    heightPx: 120 + 34 * views.length,
    wide: true,
  };
}
