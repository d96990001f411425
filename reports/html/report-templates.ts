import Handlebars from 'handlebars';
import { formatBytes, formatClock, formatCores, formatDuration, formatMs, formatNumber, formatPercent, formatRatio, formatRps } from './format.js';
import { reportAssets } from './report-assets.js';

// The report's Handlebars environment: isolated from any other user of the library, with the
// section partials and formatting helpers registered, and the layout compiled once per process.
// Strict mode: a field the view does not have is an error here, not a silently empty cell.

export type LayoutTemplate = (context: unknown) => string;

let layout: LayoutTemplate | undefined;

export function reportLayout(): LayoutTemplate {
  layout ??= compileLayout();
  return layout;
}

function compileLayout(): LayoutTemplate {
  const assets = reportAssets();
  const hbs = Handlebars.create();
  const options = { strict: true, preventIndent: true };
  for (const [name, source] of Object.entries(assets.partials)) hbs.registerPartial(name, hbs.compile(source, options));
  // Helpers return plain strings, which Handlebars escapes like any other value.
  const formatters: Record<string, (value: unknown) => string> = {
    num: formatNumber,
    ms: formatMs,
    ratio: formatRatio,
    percent: formatPercent,
    bytes: formatBytes,
    cores: formatCores,
    duration: formatDuration,
    clock: formatClock,
    rps: formatRps,
  };
  for (const [name, format] of Object.entries(formatters)) hbs.registerHelper(name, (value: unknown) => format(value));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('or', (a: unknown, b: unknown) => Boolean(a) || Boolean(b));
  hbs.registerHelper('plus1', (n: unknown) => (typeof n === 'number' ? n + 1 : n));
  const template = hbs.compile(assets.layout, options);
  return (context) => template(context);
}
