import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

// A real Chromium for tests that must see what a reader sees: the distribution's browser driven
// through playwright-core, with the network shut. Every request other than the opened file is
// aborted and recorded; console errors, page errors and dialogs are collected for the test to check.

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/** The Chromium to drive ($LOADTEST_CHROMIUM, else the distribution's), or null when there is none. */
export function chromiumPath(): string | null {
  const path = process.env.LOADTEST_CHROMIUM || '/usr/bin/chromium';
  return existsSync(path) ? path : null;
}

/** Why browser tests are skipped here, or false when they can run. */
export function chromiumSkipReason(): string | false {
  if (chromiumPath() !== null) return false;
  const looked = process.env.LOADTEST_CHROMIUM || '/usr/bin/chromium';
  return `Chromium not found at ${looked} (apt-get install chromium, or point LOADTEST_CHROMIUM at one)`;
}

export interface OpenedPage {
  browser: Browser;
  page: Page;
  url: string;
  consoleErrors: string[];
  pageErrors: string[];
  /** Every request the page made other than loading the file itself (each one aborted). */
  otherRequests: string[];
  dialogs: string[];
  close(): Promise<void>;
}

export async function openFileInChromium(file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error('Chromium is not installed');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const url = pathToFileURL(file).href;
    const opened: OpenedPage = {
      browser,
      page,
      url,
      consoleErrors: [],
      pageErrors: [],
      otherRequests: [],
      dialogs: [],
      close: () => browser.close(),
    };
    page.on('console', (message) => {
      if (message.type() === 'error') opened.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => opened.pageErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      opened.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    // Both: `request` also sees what routing cannot intercept; the route aborts whatever it can.
    page.on('request', (request) => {
      if (request.url() !== url) opened.otherRequests.push(request.url());
    });
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort('blockedbyclient')));
    await page.goto(url, { waitUntil: 'load' });
    return opened;
  } catch (error) {
    await browser.close();
    throw error;
  }
}
