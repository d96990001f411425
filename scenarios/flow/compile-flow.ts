// Compiles a scenario's flows once, before any load: templates parsed, URLs resolved, constant
// headers and bodies encoded, checks and captures built. A fully constant request even keeps one
// undici dispatch-options object that every send reuses.

import type { Dispatcher } from 'undici';
import type { FlowSpec, RequestStep, Scenario, StepSpec, ThinkSpec } from '../model.js';
import { compileCaptures, type CompiledCapture } from './captures.js';
import { CompiledChecks } from './checks.js';
import { UrlResolver, appendQuery } from '../http/request-url.js';
import { TemplateCompiler, type Render, type Template } from './templates.js';

export interface CompiledThink {
  kind: 'think';
  minMs: number;
  maxMs: number;
}

export interface CompiledLoop {
  kind: 'loop';
  name: string;
  count: number;
  steps: CompiledStep[];
}

export interface CompiledRequest {
  kind: 'request';
  name: string;
  method: Dispatcher.HttpMethod;
  /** Set when URL and query are constant: where every send goes. */
  origin: string | null;
  path: string | null;
  /** Otherwise the URL template (resolved per send) and the query parts. */
  url: Template;
  query: string | Array<[encodedName: string, value: Template]>;
  /** Constant headers as a flat [name, value, ...] list, and the templated ones. */
  headers: string[];
  headerTemplates: Array<[name: string, value: Render]>;
  body: Buffer | Render | null;
  timeoutMs: number;
  /** Body bytes to keep for checks and captures (0: none needed). */
  keepBytes: number;
  checks: CompiledChecks;
  captures: CompiledCapture[];
  think: ThinkSpec | null;
  /** false when the scenario pipelines, so undici really pipelines instead of waiting for headers. */
  blocking: boolean | undefined;
  /** Reused for every send when nothing in the request is templated. */
  constantOptions: Dispatcher.DispatchOptions | null;
}

export type CompiledStep = CompiledRequest | CompiledThink | CompiledLoop;

export interface CompiledFlow {
  name: string;
  weight: number;
  /** Sum of the weights of this flow and all before it (see weighted-pick.ts). */
  cumulativeWeight: number;
  steps: CompiledStep[];
  /** Some template or capture needs the per-iteration variables. */
  usesVariables: boolean;
}

export class FlowCompileError extends Error {
  constructor(flow: string, step: string, cause: unknown) {
    super(`flow ${JSON.stringify(flow)} step ${JSON.stringify(step)}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'FlowCompileError';
  }
}

class Compiler {
  private readonly templates = new TemplateCompiler();
  private readonly urls: UrlResolver;
  /** Set while compiling a flow when something in it needs the per-iteration variables. */
  usesVariables = false;

  constructor(private readonly scenario: Scenario) {
    this.urls = new UrlResolver(scenario.target);
  }

  private template(source: string): Template {
    const t = this.templates.compile(source);
    if (typeof t !== 'string') this.usesVariables = true;
    return t;
  }

  steps(flow: string, specs: StepSpec[]): CompiledStep[] {
    return specs.map((spec): CompiledStep => {
      if (spec.kind === 'think') return { kind: 'think', minMs: spec.think.minMs, maxMs: spec.think.maxMs };
      if (spec.kind === 'loop') {
        return { kind: 'loop', name: spec.name, count: spec.count, steps: this.steps(flow, spec.steps) };
      }
      try {
        return this.request(spec);
      } catch (err) {
        throw new FlowCompileError(flow, spec.name, err);
      }
    });
  }

  private request(step: RequestStep): CompiledRequest {
    const spec = step.request;
    const url = this.template(spec.url);

    let query: CompiledRequest['query'] = '';
    const queryParts = Object.entries(spec.query).map(
      ([name, value]): [string, Template] => [encodeURIComponent(name), this.template(value)],
    );
    if (queryParts.every(([, v]) => typeof v === 'string')) {
      query = queryParts.map(([n, v]) => `${n}=${encodeURIComponent(v as string)}`).join('&');
    } else {
      query = queryParts;
    }

    // Request headers over scenario defaults, case-insensitively; names sent in lower case.
    const merged = new Map<string, string>();
    for (const [n, v] of Object.entries(this.scenario.defaults.headers)) merged.set(n.toLowerCase(), v);
    for (const [n, v] of Object.entries(spec.headers)) merged.set(n.toLowerCase(), v);
    if (spec.json !== undefined && !merged.has('content-type')) merged.set('content-type', 'application/json');
    const headers: string[] = [];
    const headerTemplates: Array<[string, Render]> = [];
    for (const [n, v] of merged) {
      const t = this.template(v);
      if (typeof t === 'string') headers.push(n, t);
      else headerTemplates.push([n, t]);
    }

    let body: CompiledRequest['body'] = null;
    const bodyTemplate =
      spec.json !== undefined ? this.templates.compileJson(spec.json) : spec.body !== undefined ? this.template(spec.body) : null;
    if (typeof bodyTemplate === 'string') body = Buffer.from(bodyTemplate);
    else if (bodyTemplate !== null) {
      this.usesVariables = true;
      body = bodyTemplate;
    }

    const checks = new CompiledChecks(step.check);
    const captures = compileCaptures(step.capture);
    if (captures.length > 0) this.usesVariables = true;
    const needsBody = checks.needsBody || captures.some((c) => c.needsBody);

    let origin: string | null = null;
    let path: string | null = null;
    if (typeof url === 'string' && typeof query === 'string') {
      const resolved = this.urls.resolve(url);
      origin = resolved.origin;
      path = appendQuery(resolved.path, query);
    }
    const method = spec.method.toUpperCase() as Dispatcher.HttpMethod;
    const constant = path !== null && headerTemplates.length === 0 && !(typeof body === 'function');
    const blocking = this.scenario.http.pipelining > 1 ? false : undefined;
    const options: Dispatcher.DispatchOptions | null = constant ? { method, path: path!, headers, body: body as Buffer | null } : null;
    if (options !== null && blocking !== undefined) options.blocking = blocking;
    return {
      kind: 'request',
      name: step.name,
      method,
      origin,
      path,
      url,
      query,
      headers,
      headerTemplates,
      body,
      timeoutMs: spec.timeoutMs ?? this.scenario.defaults.timeoutMs,
      keepBytes: needsBody ? Math.max(0, this.scenario.http.maxBodyBytes) : 0,
      checks,
      captures,
      think: step.think ?? null,
      blocking,
      constantOptions: options,
    };
  }
}

/** Throws FlowCompileError (naming flow and step) on a bad template, regex or JSON path. */
export function compileFlows(scenario: Scenario): CompiledFlow[] {
  let cumulative = 0;
  // All-zero weights mean "no preference": every flow equally likely.
  const allZero = scenario.flows.every((f) => !(f.weight > 0));
  const compiler = new Compiler(scenario);
  return scenario.flows.map((flow: FlowSpec) => {
    compiler.usesVariables = false;
    const steps = compiler.steps(flow.name, flow.steps);
    const weight = allZero ? 1 : Math.max(0, flow.weight);
    cumulative += weight;
    return { name: flow.name, weight, cumulativeWeight: cumulative, steps, usesVariables: compiler.usesVariables };
  });
}
