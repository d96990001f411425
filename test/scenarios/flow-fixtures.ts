// Shared by the flow tests: plain-data Scenario builders and a MetricsSink that collects calls.

import type { DropReason, Outcome } from '../../scenarios/outcome.js';
import type { IterationStatus, MetricsSink } from '../../scenarios/metrics-sink.js';
import type { CaptureSpec, CheckSpec, FlowSpec, RequestSpec, RequestStep, Scenario, StepSpec } from '../../scenarios/model.js';

export interface RequestCall {
  phase: number;
  step: string;
  outcome: Outcome;
  latencyUs: number;
  serviceUs: number;
  bytesIn: number;
  bytesOut: number;
  detail: string | undefined;
}

export class CollectingSink implements MetricsSink {
  readonly requests: RequestCall[] = [];
  request(
    phase: number,
    step: string,
    outcome: Outcome,
    latencyUs: number,
    serviceUs: number,
    bytesIn: number,
    bytesOut: number,
    detail?: string,
  ): void {
    this.requests.push({ phase, step, outcome, latencyUs, serviceUs, bytesIn, bytesOut, detail });
  }
  iterationStarted(_phase: number, _lagUs: number): void {
    throw new Error('the flow runner must not call iterationStarted');
  }
  iterationEnded(_phase: number, _durationUs: number, _status: IterationStatus): void {
    throw new Error('the flow runner must not call iterationEnded');
  }
  iterationDropped(_phase: number, _reason: DropReason): void {
    throw new Error('the flow runner must not call iterationDropped');
  }
}

export function req(
  name: string,
  request: Partial<RequestSpec> & { url: string },
  extra: { capture?: Record<string, CaptureSpec>; check?: CheckSpec; think?: { minMs: number; maxMs: number } } = {},
): RequestStep {
  const step: RequestStep = {
    kind: 'request',
    name,
    request: { method: 'GET', headers: {}, query: {}, ...request },
    capture: extra.capture ?? {},
    check: extra.check ?? {},
  };
  if (extra.think !== undefined) step.think = extra.think;
  return step;
}

export function scenario(target: string, flows: FlowSpec[] | StepSpec[], overrides: Partial<Scenario> = {}): Scenario {
  const flowList: FlowSpec[] =
    flows.length > 0 && 'steps' in flows[0]! && !('kind' in flows[0]!)
      ? (flows as FlowSpec[])
      : [{ name: 'main', weight: 1, steps: flows as StepSpec[] }];
  return {
    name: 'test',
    file: '',
    target,
    http: { connections: 4, pipelining: 1, maxBodyBytes: 64 * 1024 },
    defaults: { headers: {}, timeoutMs: 5_000 },
    data: {},
    flows: flowList,
    phases: [{ name: 'p', executor: 'constant-vus', vus: 1, durationMs: 1_000 }],
    thresholds: [],
    abortOnFail: [],
    gracefulStopMs: 1_000,
    environment: { targets: {}, collect: { intervalMs: 1000, sources: [] }, faults: [] },
    ...overrides,
  };
}

export function ctx(overrides: Partial<{ phase: number; vu: number; iteration: number; intendedStartMs: number; rows: Record<string, Record<string, string | number | boolean | null>> }> = {}) {
  return { phase: 0, vu: 1, iteration: 0, intendedStartMs: performance.now(), rows: {}, ...overrides };
}

import { compileFlows } from '../../scenarios/flow/compile-flow.js';
import { FlowRunner, type IterationContext } from '../../scenarios/flow/flow-runner.js';
import { HttpClient } from '../../scenarios/http/http-client.js';

/** Compiles a scenario and runs iterations of its first flow with a fresh client and sink. */
export class Harness {
  readonly sink = new CollectingSink();
  readonly client: HttpClient;
  readonly runner: FlowRunner;
  readonly flows;
  constructor(readonly scenario: Scenario) {
    this.client = new HttpClient(scenario);
    this.runner = new FlowRunner(scenario, this.client, this.sink);
    this.flows = compileFlows(scenario);
  }
  run(context: Partial<IterationContext> = {}, signal?: AbortSignal, flow = 0) {
    return this.runner.runIteration(this.flows[flow]!, ctx(context), signal);
  }
  get calls(): RequestCall[] {
    return this.sink.requests;
  }
  async close(): Promise<void> {
    await this.client.destroy();
  }
}
