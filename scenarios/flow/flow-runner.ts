// Runs one iteration of a compiled flow: renders and sends each request step, checks and captures,
// reports every finished request to the metrics sink, honours think times and an abort signal.
// Never rejects: transport errors, failed checks and template errors all become outcomes.

import type { Dispatcher } from 'undici';
import type { Scenario } from '../model.js';
import type { IterationStatus, MetricsSink } from '../metrics-sink.js';
import type { Outcome } from '../outcome.js';
import type { CompiledFlow, CompiledRequest, CompiledStep, CompiledThink } from './compile-flow.js';
import type { HttpClient } from '../http/http-client.js';
import { classifyError, describeError } from '../http/classify-error.js';
import { Iteration, SignalRegistry } from './iteration-state.js';
import type { IterationContext } from './iteration-state.js';
import { renderRequest } from './render-request.js';
import { UrlResolver } from '../http/request-url.js';
import type { ReplicaBalancer } from '../http/replica-balancer.js';
import { HandlerState, ResponseHandler } from '../http/response-handler.js';
import type { TemplateContext } from './templates.js';

export type { IterationContext } from './iteration-state.js';

const NO_VARS: TemplateContext = Object.freeze({}) as TemplateContext;

export class FlowRunner {
  private readonly env: Record<string, string | undefined>;
  private readonly urls: UrlResolver;
  private readonly signals = new SignalRegistry();
  /** Unexpected internal errors (a bug, or a sink that threw); each ended its iteration as 'failed'. */
  internalErrors = 0;
  lastInternalError: unknown = undefined;

  constructor(
    scenario: Scenario,
    private readonly client: HttpClient,
    private readonly sink: MetricsSink,
    /** Set when the target is a launched target with replicas: requests for its origin are spread over them. */
    private readonly balancer?: ReplicaBalancer,
  ) {
    this.env = { ...process.env };
    this.urls = new UrlResolver(scenario.target);
  }

  async runIteration(flow: CompiledFlow, ctx: IterationContext, signal?: AbortSignal): Promise<IterationStatus> {
    if (signal?.aborted) return 'interrupted';
    const it = new Iteration(ctx, flow.usesVariables ? this.variables(ctx) : null);
    if (signal !== undefined) this.signals.add(signal, it);
    try {
      return await this.runSteps(flow.steps, it);
    } catch (err) {
      this.internalErrors++;
      this.lastInternalError = err;
      return it.aborted ? 'interrupted' : 'failed';
    } finally {
      if (signal !== undefined) this.signals.delete(signal, it);
    }
  }

  private variables(ctx: IterationContext): TemplateContext {
    const vars: TemplateContext = { env: this.env, vu: ctx.vu, iteration: ctx.iteration };
    const rows = ctx.rows;
    for (const name in rows) vars[name] = rows[name];
    return vars;
  }

  private async runSteps(steps: CompiledStep[], it: Iteration): Promise<IterationStatus> {
    for (let i = 0; i < steps.length; i++) {
      if (it.aborted) return 'interrupted';
      const step = steps[i]!;
      let status: IterationStatus;
      if (step.kind === 'request') {
        status = await this.request(step, it);
        if (status === 'ok' && step.think !== null) status = await this.think(step.think, it);
      } else if (step.kind === 'think') {
        status = await this.think(step, it);
      } else {
        status = 'ok';
        for (let n = 0; n < step.count && status === 'ok'; n++) status = await this.runSteps(step.steps, it);
      }
      if (status !== 'ok') return status;
    }
    return 'ok'; // every step finished, even if an abort arrived just after the last response
  }

  private async request(step: CompiledRequest, it: Iteration): Promise<IterationStatus> {
    const handler = new ResponseHandler(step.keepBytes, step.timeoutMs);
    let dispatcher: Dispatcher;
    let options: Dispatcher.DispatchOptions;
    let origin: string;
    try {
      if (step.constantOptions !== null) {
        options = step.constantOptions;
        origin = step.origin!;
      } else {
        const built = renderRequest(step, it.vars ?? NO_VARS, this.urls);
        options = built;
        origin = built.origin;
      }
      if (this.balancer !== undefined && origin === this.balancer.primary) origin = this.balancer.pick();
      dispatcher = this.client.pool(origin);
    } catch (err) {
      // A template that failed to render, or a URL undici cannot use: the request never left.
      const dueAt = it.dueAt >= 0 ? it.dueAt : performance.now();
      const us = Math.max(0, Math.round((performance.now() - dueAt) * 1000));
      this.sink.request(it.ctx.phase, step.name, 'other', us, 0, 0, 0, `request not sent: ${describeError(err)}`);
      return 'failed';
    }
    it.current = handler;
    await handler.send(dispatcher, options);
    it.current = null;
    if (handler.state === HandlerState.Cancelled) return 'interrupted';

    const dueAt = it.dueAt >= 0 && it.dueAt < handler.issuedAt ? it.dueAt : handler.issuedAt;
    it.dueAt = -1;
    const latencyUs = Math.round((handler.endedAt - dueAt) * 1000);
    const serviceUs = Math.round(handler.serviceMs * 1000);
    const body = options.body;
    const bytesOut = body == null ? 0 : (body as Buffer).length;

    let outcome: Outcome;
    let detail: string | null = null;
    if (handler.state !== HandlerState.Complete) {
      outcome = classifyError(handler.error);
      detail = describeError(handler.error);
    } else {
      outcome = step.checks.statusOutcome(handler.statusCode);
      if (outcome !== 'ok') detail = step.checks.statusDetail(handler.statusCode);
      else {
        detail = step.checks.bodyFailure(handler);
        const captures = step.captures;
        const vars = it.vars ?? {};
        for (let i = 0; detail === null && i < captures.length; i++) detail = captures[i]!.run(handler, vars);
        if (detail !== null) outcome = 'check_failed';
      }
    }
    this.balancer?.observe(origin, outcome);
    if (detail === null) {
      this.sink.request(it.ctx.phase, step.name, outcome, latencyUs, serviceUs, handler.bytesIn, bytesOut);
    } else {
      this.sink.request(it.ctx.phase, step.name, outcome, latencyUs, serviceUs, handler.bytesIn, bytesOut, detail);
    }
    return outcome === 'ok' ? 'ok' : 'failed';
  }

  /** Sleeps a random time in [minMs, maxMs]; an abort wakes it early. */
  private async think(think: CompiledThink | { minMs: number; maxMs: number }, it: Iteration): Promise<IterationStatus> {
    if (it.aborted) return 'interrupted';
    const ms = think.minMs + Math.random() * Math.max(0, think.maxMs - think.minMs);
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      it.wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    it.wake = null;
    // A request after a pause was due when the pause ended, not at the iteration's start.
    it.dueAt = -1;
    return it.aborted ? 'interrupted' : 'ok';
  }
}
