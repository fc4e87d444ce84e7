/**
 * The live page in headless Chromium (Debian's /usr/bin/chromium via playwright-core) on a real
 * `serve` child process: the page's numbers change while requests run, it fetches nothing but its
 * own event stream, and it shows the new service's data after the service is stopped and started
 * again on the same port (EventSource reconnects by itself). The screenshot is kept in
 * test-artifacts/live.png for a person to look at.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { makeClip } from '../../src/audio/clips.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { launchChromium, openWatched, screenshot, skipWithoutChromium } from '../support/chromium.ts';
import { type RunningService, startService, transcribe } from '../support/service.ts';
import { waitUntil } from '../support/wait.ts';

const WAV = encodeWav(makeClip('1s'), 16_000);

/** What the page shows, from the attributes its script keeps on <html> and its tables. */
interface Shown {
  connection: string | null;
  snapshots: number;
  requests: number;
  stageRows: number;
  resourceRows: number;
  bars: number;
}

const SHOWN = `({
  connection: document.documentElement.getAttribute('data-connection'),
  snapshots: Number(document.documentElement.getAttribute('data-snapshots') || 0),
  requests: Number(document.documentElement.getAttribute('data-requests') || 0),
  stageRows: document.querySelectorAll('#stages-body tr').length,
  resourceRows: document.querySelectorAll('#resources-body tr').length,
  bars: document.querySelectorAll('#throughput rect').length,
})`;

function shown(page: Page): Promise<Shown> {
  return page.evaluate(SHOWN) as Promise<Shown>;
}

async function requests(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await transcribe(url, WAV);
    assert.equal(response.status, 200, `request ${i + 1} is served`);
    await response.arrayBuffer();
  }
}

describe('/live in Chromium', { skip: skipWithoutChromium, timeout: 90_000 }, () => {
  let browser: Browser;
  let service: RunningService | undefined;

  before(async () => {
    [browser, service] = await Promise.all([launchChromium(), startService(['--quiet'])]);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('changes while requests run, fetches nothing else, and survives the service restarting', async () => {
    const url = service!.url;
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const requested: string[] = [];
    await context.route('**/*', (route) => {
      const target = route.request().url();
      requested.push(target);
      return target === `${url}/live` || target === `${url}/v1/events` ? route.continue() : route.abort();
    });
    const { page, errors } = await openWatched(context, `${url}/live`);

    const first = await waitUntil('the first snapshot', () => shown(page), {
      until: (s) => s.connection === 'live' && s.snapshots > 0,
    });
    assert.equal(first.requests, 0, 'no requests before the load');
    await requests(url, 3);
    const loaded = await waitUntil('the page to show the three requests', () => shown(page), {
      until: (s) => s.requests === 3 && s.bars > 0,
    });
    assert.ok(loaded.snapshots > first.snapshots, 'later snapshots arrived');
    assert.ok(loaded.stageRows >= 5, `the stages are listed (${loaded.stageRows} rows)`);
    assert.ok(loaded.resourceRows >= 2, `the resources are listed (${loaded.resourceRows} rows)`);
    await screenshot(page, 'live.png');
    assert.deepEqual(errors, [], 'no console errors or warnings and no page errors');
    assert.deepEqual(
      [...new Set(requested)].sort(),
      [`${url}/live`, `${url}/v1/events`],
      'the page requests nothing but itself and its event stream',
    );

    const port = new URL(url).port;
    assert.equal(await service!.stop(), 0, 'the service stops cleanly with a watcher connected');
    await waitUntil('the page to notice', () => shown(page), { until: (s) => s.connection !== 'live' });
    service = await startService(['--quiet', '--port', port]);
    assert.equal(service.url, url, 'the new service listens on the same address');
    await requests(url, 2);
    await waitUntil('the page to show the new service', () => shown(page), {
      until: (s) => s.connection === 'live' && s.requests === 2,
      timeoutMs: 30_000,
    });
    await context.close();
  });
});
