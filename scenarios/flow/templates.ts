// Handlebars templating for request URLs, headers, query values and bodies. Every template string is
// compiled once; a string without `{{` stays a plain constant and never touches handlebars.

import { randomUUID } from 'node:crypto';
import Handlebars from 'handlebars';

/** What templates see: captured variables, feeder rows by feeder name, `env`, `vu`, `iteration`. */
export type TemplateContext = Record<string, unknown>;
export type Render = (context: TemplateContext) => string;
/** A constant string, or a function rendering the template against a context. */
export type Template = string | Render;

type HandlebarsEnv = ReturnType<typeof Handlebars.create>;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Helper arguments arrive positionally, followed by handlebars' own options object. */
function numberArg(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return fallback;
}

export function randomInt(min: number, max: number): number {
  const lo = Math.ceil(Math.min(min, max));
  const hi = Math.floor(Math.max(min, max));
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

export function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[Math.floor(Math.random() * ALPHANUMERIC.length)];
  return out;
}

export function createHandlebars(): HandlebarsEnv {
  const hb = Handlebars.create();
  hb.registerHelper('randomInt', (...args: unknown[]) => {
    // {{randomInt max}} is [0, max]; {{randomInt min max}} is [min, max]; both inclusive.
    const given = args.length - 1;
    if (given >= 2) return randomInt(numberArg(args[0], 0), numberArg(args[1], 100));
    if (given === 1) return randomInt(0, numberArg(args[0], 100));
    return randomInt(0, 100);
  });
  hb.registerHelper('randomString', (...args: unknown[]) => {
    const len = args.length > 1 ? numberArg(args[0], 8) : 8;
    return randomString(Math.max(0, Math.min(Math.floor(len), 1_000_000)));
  });
  hb.registerHelper('uuid', () => randomUUID());
  hb.registerHelper('now', () => Date.now());
  // For JSON APIs that carry bytes as base64 (etcd's v3 gateway), and for read-modify-write flows
  // such as a compare-and-swap decrement: {{base64 (padStart (add (base64decode stock) -1) 6 "0")}}.
  hb.registerHelper('base64', (value: unknown) => Buffer.from(String(value ?? ''), 'utf8').toString('base64'));
  hb.registerHelper('base64decode', (value: unknown) => Buffer.from(String(value ?? ''), 'base64').toString('utf8'));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map((v) => String(v ?? '')).join(''));
  hb.registerHelper('add', (...args: unknown[]) => args.slice(0, -1).reduce((sum: number, v) => sum + numberArg(v, 0), 0));
  hb.registerHelper('padStart', (...args: unknown[]) => {
    const [value, width, fill] = args;
    return String(value ?? '').padStart(numberArg(width, 0), typeof fill === 'string' && fill.length > 0 ? fill : '0');
  });
  return hb;
}

export function hasTemplate(source: string): boolean {
  return source.includes('{{');
}

export class TemplateCompiler {
  private readonly hb: HandlebarsEnv;

  constructor(hb: HandlebarsEnv = createHandlebars()) {
    this.hb = hb;
  }

  /** Compiles now (syntax errors throw here, not under load); constants are returned as they are. */
  compile(source: string): Template {
    if (!hasTemplate(source)) return source;
    const ast = this.hb.parse(source);
    const fn = this.hb.compile(ast, { noEscape: true, strict: false });
    return fn as Render;
  }

  /**
   * Compiles a JSON body: every string leaf is a template. The result renders straight to JSON text,
   * identical to JSON.stringify of the object rebuilt with rendered leaves. A body without templates
   * is stringified once and returned as a constant.
   */
  compileJson(value: unknown): Template {
    const parts: Array<string | Render> = [];
    let pending = '';
    const emit = (text: string): void => {
      pending += text;
    };
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        const t = this.compile(v);
        if (typeof t === 'string') emit(JSON.stringify(t));
        else {
          parts.push(pending);
          pending = '';
          parts.push(t);
        }
      } else if (Array.isArray(v)) {
        emit('[');
        for (let i = 0; i < v.length; i++) {
          if (i > 0) emit(',');
          const item: unknown = v[i];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') emit('null');
          else walk(item);
        }
        emit(']');
      } else if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
        emit('{');
        let first = true;
        for (const key of Object.keys(v)) {
          const item: unknown = (v as Record<string, unknown>)[key];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
          if (!first) emit(',');
          first = false;
          emit(`${JSON.stringify(key)}:`);
          walk(item);
        }
        emit('}');
      } else {
        emit(JSON.stringify(v) ?? 'null');
      }
    };
    walk(value);
    if (parts.length === 0) return pending;
    parts.push(pending);
    return renderJoined(parts);
  }
}

/** parts alternate constant text (even indexes) and templates (odd), starting and ending with text. */
function renderJoined(parts: Array<string | Render>): Render {
  const n = parts.length;
  return (context) => {
    let out = parts[0] as string;
    for (let i = 1; i < n; i += 2) {
      out += JSON.stringify((parts[i] as Render)(context));
      out += parts[i + 1] as string;
    }
    return out;
  };
}

export function render(template: Template, context: TemplateContext): string {
  return typeof template === 'string' ? template : template(context);
}
