/**
 * Opens a rendered report in headless Chromium (Debian's /usr/bin/chromium via playwright-core):
 * the page must make no network request, log no error, and draw every chart; the screenshot is
 * kept in test-artifacts/report.png for a person to look at.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { slowestKept } from '../../src/report/attribution.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { tailFigure } from '../../src/report/html-tail.ts';
import type { LabelledRun } from '../../src/report/input.ts';
import { launchChromium, openWatched, screenshot, skipWithoutChromium } from '../support/chromium.ts';
import { realisticRun } from './realistic.ts';

interface ChartState {
  id: string;
  hasChart: boolean;
  points: number;
  paintedPixels: number;
}

/**
 * Every canvas: its Chart.js instance, the data points it holds and how many pixels it painted.
 * Runs in the page; a string because the project compiles without the DOM library.
 */
const CHART_STATES = `[...document.querySelectorAll('canvas')].map((canvas) => {
  const chart = Chart.getChart(canvas);
  const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0) : 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let paintedPixels = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) paintedPixels++;
  return { id: canvas.id, hasChart: chart !== undefined, points, paintedPixels };
})`;

function chartStates(page: Page): Promise<ChartState[]> {
  return page.evaluate(CHART_STATES) as Promise<ChartState[]>;
}

describe('report.html in Chromium', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  let browser: Browser;
  let folder: string;
  let reportUrl: string;
  let runs: LabelledRun[];

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'report-chromium-'));
    runs = [realisticRun('fused', 1), realisticRun('matmul', 2)];
    const html = renderReportHtml({ runs, jaegerReachable: false, generatedAt: '2026-11-03T09:30:00.000Z' });
    const file = join(folder, 'report.html');
    await writeFile(file, html);
    reportUrl = pathToFileURL(file).href;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('loads offline without errors, draws every chart, and is screenshotted', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const { page, errors } = await openWatched(context, reportUrl);

    const states = await chartStates(page);
    // Per run: stages, latency, throughput, scaling, typical; the tail and the slowest request when the summary keeps them.
    const expected = runs.reduce(
      (n, run) => n + 5 + (tailFigure(run, 'tail') ? 1 : 0) + (slowestKept(run.summary) ? 1 : 0),
      3,
    );
    assert.equal(states.length, expected, `every run's charts and three comparison charts`);
    for (const state of states) {
      assert.ok(state.hasChart, `${state.id}: Chart.getChart finds a chart`);
      assert.ok(state.points > 0, `${state.id}: the chart holds data`);
      assert.ok(state.paintedPixels > 1000, `${state.id}: the canvas is painted (${state.paintedPixels} pixels)`);
    }
    assert.equal(
      await page.getAttribute('html', 'data-charts-drawn'),
      String(states.length),
      'the page script drew one chart per canvas',
    );

    const first = page.locator('canvas').first();
    await first.scrollIntoViewIfNeeded();
    await first.hover();
    await screenshot(page, 'report.png');
    assert.deepEqual(blocked, [], 'the report requests nothing from the network');
    assert.deepEqual(errors, [], 'no console errors or warnings and no page errors');
    await context.close();
  });

  it('renders load results alone: the load charts drawn, every span panel saying what it needs', async () => {
    // An external target's results: no span summary, and no server stages in the load results either.
    const { load } = realisticRun('fused', 1);
    const external = { ...load, scenarios: load.scenarios.map(({ server_stages: _, ...rest }) => rest) };
    const file = join(folder, 'load-only.html');
    await writeFile(file, renderReportHtml({ runs: [{ label: 'external', load: external }], jaegerReachable: false }));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await openWatched(context, pathToFileURL(file).href);

    const states = await chartStates(page);
    assert.deepEqual(
      states.map((s) => s.id),
      ['chart-run0-latency', 'chart-run0-throughput', 'chart-run0-scaling'],
      'the three load charts, none drawn from spans',
    );
    for (const state of states)
      assert.ok(state.hasChart && state.paintedPixels > 1000, `${state.id}: drawn (${state.paintedPixels} pixels)`);
    assert.ok(await page.getByRole('heading', { name: 'Scenarios' }).isVisible(), 'the scenario table is shown');
    const notes = page.locator('.needs');
    assert.equal(await notes.count(), 5, 'tail, resources, stages and the two waterfalls say what they need');
    for (const text of await notes.allInnerTexts())
      assert.match(text, /^No span summary: .*amanuensis collect/, `a visible note: ${text}`);
    assert.ok(await notes.first().isVisible(), 'the first note is visible');
    await screenshot(page, 'report-load-only.png');
    assert.deepEqual(errors, [], 'no console errors or warnings and no page errors');
    await context.close();
  });

  it('keeps every table readable with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(reportUrl, { waitUntil: 'load' });
    const tables = await page.locator('table').count();
    const canvases = await page.locator('canvas').count();
    assert.ok(
      tables > canvases,
      `a table for every chart plus the scenario and slowest tables (${tables} tables, ${canvases} charts)`,
    );
    const details = page.locator('figure details').first();
    await details.locator('summary').click();
    assert.ok(await details.locator('table').isVisible(), "a chart's table opens without JavaScript");
    await context.close();
  });
});
