import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The report's own files (templates, browser script, styles) and uPlot, read once per process and
// inlined into every report. They are not compiled or copied by the build: they are found from the
// package root (this module runs as dist/reports/html/render-html.js), so the sources are the assets.

export interface ReportAssets {
  layout: string;
  partials: Record<string, string>;
  reportJs: string;
  reportCss: string;
  uplotJs: string;
  uplotCss: string;
  /** Content-Security-Policy hashes of the two inline scripts, so nothing else can run in the page. */
  scriptHashes: string[];
}

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  cached ??= loadAssets();
  return cached;
}

function loadAssets(): ReportAssets {
  const htmlDir = locateHtmlDir();
  const templatesDir = join(htmlDir, 'templates');
  const partials: Record<string, string> = {};
  for (const file of readdirSync(templatesDir).sort()) {
    if (file.endsWith('.hbs') && file !== 'layout.hbs') partials[file.slice(0, -'.hbs'.length)] = readFileSync(join(templatesDir, file), 'utf8');
  }
  const uplotDir = locateUplotDist();
  const reportJs = inlineSafe(readFileSync(join(htmlDir, 'assets', 'report.js'), 'utf8'), 'script');
  const uplotJs = inlineSafe(readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'), 'script');
  return {
    layout: readFileSync(join(templatesDir, 'layout.hbs'), 'utf8'),
    partials,
    reportJs,
    reportCss: inlineSafe(readFileSync(join(htmlDir, 'assets', 'report.css'), 'utf8'), 'style'),
    uplotJs,
    uplotCss: inlineSafe(readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'), 'style'),
    scriptHashes: [uplotJs, reportJs].map((text) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`),
  };
}

/** From the compiled module up to the package root; when run from source (tsx), the module's own folder. */
function locateHtmlDir(): string {
  const fromDist = fileURLToPath(new URL('../../../reports/html/', import.meta.url));
  return existsSync(join(fromDist, 'templates')) ? fromDist : fileURLToPath(new URL('./', import.meta.url));
}

/** uPlot's package has no `exports` map, so its dist files resolve directly; package.json is the fallback. */
function locateUplotDist(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  } catch {
    return join(dirname(require.resolve('uplot/package.json')), 'dist');
  }
}

/** An asset holding its own closing tag would end the element early: refuse it rather than break reports. */
function inlineSafe(text: string, element: 'script' | 'style'): string {
  if (new RegExp(`</${element}`, 'i').test(text) || (element === 'script' && /<!--/.test(text))) {
    throw new Error(`report asset cannot be inlined: it contains </${element} or <!--`);
  }
  return text;
}
