/**
 * Headless Chromium for the page tests: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download), the suite skipped where it is not installed, and a page opened with every
 * console error, warning and uncaught page error collected, since a page that "works" while
 * logging errors is the failure these tests exist to catch.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Nothing the tests need, and each is a request or a process a container may refuse. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** The `skip` option of a suite that needs Chromium: false, or why it is skipped. */
export const skipWithoutChromium: false | string = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is not installed (apt-get install chromium)`;

/** Starts headless Chromium; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A page loaded from `url`, with what it logged as an error or warning and every uncaught error. */
export interface WatchedPage {
  page: Page;
  /** `error: …`, `warning: …` or `page error: …`, in the order they happened. */
  errors: string[];
}

/** Opens a new page in `context`, starts collecting its errors, and loads `url`. */
export async function openWatched(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

/** Saves a full-page screenshot as test-artifacts/`name` (git-ignored) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}
