import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openFileInChromium, type OpenedPage } from './browser.js';

// What every HTML report must do in a real browser, whatever run it came from: open with no errors,
// draw every chart it promises with real pixels, mark the faults, load nothing from anywhere, keep
// hostile text inert and visible, and fit a laptop screen. Asserts; returns what it measured.

export interface ReportCheckOptions {
  /** Strings that must show up as literal text (and must not have run). */
  hostile?: readonly string[];
  /** Fault labels that must be listed beside the timeline and drawn as markers. */
  expectFaultLabels?: readonly string[];
  /** Where to save the full-page screenshot; defaults to the report's own folder. */
  screenshotDir?: string;
  /** Viewport width for the no-horizontal-overflow check. */
  laptopWidth?: number;
}

export interface ReportCheckResult {
  charts: number;
  expected: number;
  faultMarkers: number;
  /** From navigation start to every chart drawn, as the page measured it. */
  readyAtMs: number | null;
  screenshots: string[];
}

interface ReportState {
  ready: boolean;
  charts: number;
  expected: number;
  faultMarkers: number;
  errors: string[];
  readyAtMs: number | null;
}

export async function checkReportInBrowser(file: string, options: ReportCheckOptions = {}): Promise<ReportCheckResult> {
  checkStaticHtml(readFileSync(file, 'utf8'));
  const opened = await openFileInChromium(file, { width: 1280, height: 900 });
  try {
    const { page } = opened;
    await page.waitForFunction('window.__loadtestReport !== undefined && window.__loadtestReport.ready === true', null, { timeout: 20_000 });
    const state = (await page.evaluate('window.__loadtestReport')) as ReportState;
    assert.deepEqual(state.errors, [], 'charts failed to draw');
    assert.ok(state.expected > 0, 'the report has no chart containers');
    assert.equal(state.charts, state.expected, 'not every chart container was drawn');
    assert.equal(await page.locator('[data-chart]').count(), state.expected);

    await checkCanvasPixels(opened);
    await checkFaults(opened, state, options.expectFaultLabels ?? []);
    await checkInert(opened, options.hostile ?? []);
    await checkNoOverflow(opened, options.laptopWidth ?? 1024);

    assertClean(opened);
    const screenshots = await saveScreenshot(opened, file, options.screenshotDir);
    return { charts: state.charts, expected: state.expected, faultMarkers: state.faultMarkers, readyAtMs: state.readyAtMs, screenshots };
  } finally {
    await opened.close();
  }
}

/** No console or page errors, no dialogs, and not one request beyond the file itself. */
function assertClean(opened: OpenedPage): void {
  assert.deepEqual(opened.pageErrors, [], 'page errors');
  assert.deepEqual(opened.consoleErrors, [], 'console errors');
  assert.deepEqual(opened.dialogs, [], 'a dialog opened');
  assert.deepEqual(opened.otherRequests, [], 'the report made network requests');
}

/** Markup that could fetch: only in-page anchors and data: URLs may be referenced. */
export function checkStaticHtml(html: string): void {
  // Script and style bodies are code, not markup (uPlot's source mentions attribute names).
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>').replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '<style></style>');
  for (const match of markup.matchAll(/\s(?:src|href|action|formaction|poster|srcset|background)\s*=\s*["']?([^"'\s>]*)/gi)) {
    const value = match[1] ?? '';
    assert.ok(value.startsWith('#') || value.startsWith('data:'), `markup references ${value}`);
  }
  assert.doesNotMatch(html, /@import/i, 'a stylesheet imports another');
  for (const style of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
    for (const url of (style[1] ?? '').matchAll(/url\(\s*["']?([^"')\s]*)/gi)) {
      assert.ok((url[1] ?? '').startsWith('data:') || (url[1] ?? '').startsWith('#'), `a stylesheet loads ${url[1]}`);
    }
  }
}

/** Every canvas shows colour (series and annotations are coloured; an empty plot is only grey). */
async function checkCanvasPixels(opened: OpenedPage): Promise<void> {
  const counts = (await opened.page.evaluate(COLOURED_PIXELS)) as Array<{ id: string; coloured: number }>;
  for (const { id, coloured } of counts) assert.ok(coloured > 20, `chart ${id} drew nothing (${coloured} coloured pixels)`);
}

async function checkFaults(opened: OpenedPage, state: ReportState, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) return;
  const listed = await opened.page.locator('#timeline .fault-label').allTextContents();
  for (const label of labels) assert.ok(listed.includes(label), `fault ${JSON.stringify(label)} is not listed beside the timeline`);
  // Each time chart marks each fault whose start is in view.
  const timeCharts = await opened.page.locator('#timeline [data-chart], #resources [data-chart]').count();
  assert.ok(state.faultMarkers >= labels.length * Math.min(1, timeCharts), `only ${state.faultMarkers} fault markers drawn`);
}

async function checkInert(opened: OpenedPage, hostile: readonly string[]): Promise<void> {
  const { page } = opened;
  const verdict = (await page.evaluate(INJECTION_TRACES)) as { pwned: unknown; scripts: number; handlers: string[]; foreign: string[] };
  assert.equal(verdict.pwned, undefined, 'injected script ran');
  assert.equal(verdict.scripts, 3, 'the page has scripts other than data, uPlot and the report');
  assert.deepEqual(verdict.handlers, [], 'elements carry event handler attributes');
  assert.deepEqual(verdict.foreign, [], 'injected elements appeared');
  if (hostile.length === 0) return;
  const text = (await page.evaluate('({ visible: document.body.innerText, all: document.body.textContent })')) as { visible: string; all: string };
  for (const s of hostile) {
    // Line and paragraph separators are not rendered as themselves; those strings are checked in the DOM text.
    const haystack = /[\u2028\u2029]/.test(s) ? text.all : text.visible;
    assert.ok(haystack.includes(s), `${JSON.stringify(s)} is not shown as text`);
  }
}

async function checkNoOverflow(opened: OpenedPage, width: number): Promise<void> {
  const { page } = opened;
  await page.setViewportSize({ width, height: 800 });
  // Let the resize observers refit the charts before measuring.
  await page.evaluate(TWO_FRAMES);
  const sizes = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, body: document.body.scrollWidth })')) as {
    scroll: number;
    client: number;
    body: number;
  };
  assert.ok(sizes.scroll <= sizes.client && sizes.body <= sizes.client, `at ${width} px the page scrolls sideways: ${JSON.stringify(sizes)}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(TWO_FRAMES);
}

async function saveScreenshot(opened: OpenedPage, file: string, dir: string | undefined): Promise<string[]> {
  const target = join(dir ?? dirname(file), `${basename(file, '.html')}.png`);
  mkdirSync(dirname(target), { recursive: true });
  await opened.page.screenshot({ fullPage: true, path: target });
  const saved = [target];
  const extra = process.env.LOADTEST_SCREENSHOT_DIR;
  if (extra) {
    mkdirSync(extra, { recursive: true });
    const copy = join(extra, basename(target));
    copyFileSync(target, copy);
    saved.push(copy);
  }
  return saved;
}

// Run in the page. Strings, because this project compiles without the DOM's types.

const TWO_FRAMES = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

/** Per chart container: pixels of its canvas with visible colour, or -1 without a canvas. */
const COLOURED_PIXELS = `Array.from(document.querySelectorAll('[data-chart]')).map((container) => {
  const id = container.getAttribute('data-chart');
  const canvas = container.querySelector('canvas');
  const ctx = canvas && canvas.getContext('2d');
  if (!ctx) return { id, coloured: -1 };
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let coloured = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
    if (pixels[i + 3] > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
  }
  return { id, coloured };
})`;

/** What an injection would leave behind: its flag, extra scripts, handler attributes, fetching elements. */
const INJECTION_TRACES = `({
  pwned: window.__pwned,
  scripts: document.scripts.length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).filter((a) => /^on/i.test(a.name)).map((a) => el.tagName + ' ' + a.name)),
  foreign: Array.from(document.querySelectorAll('img, svg, iframe, object, embed, base, link, form')).map((el) => el.tagName),
})`;
