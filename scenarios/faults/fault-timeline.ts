// Plays a scenario's faults on the run's clock: each fires at its `at`, is undone after its `for`,
// and both moments go into the results stream. A fault that cannot be carried out (no leader at
// that moment, a node already down) is recorded with its error and the run goes on: a chaos drill
// reports what happened, it does not abort the measurement. At the end of the run, faults still in
// force are undone (a paused node resumed, a partition healed) before the targets are stopped.
import type { LaunchedTarget } from '../../fixtures/launcher/launched-target.js';
import type { FaultSpec } from '../environment-model.js';
import type { FaultRecord } from '../results/results-format.js';
import { applyFault } from './fault-actions.js';

export interface FaultSink {
  /** `atS`: when the fault was set off, seconds on the run clock. */
  fault(record: Omit<FaultRecord, 'type' | 't'>, atS: number): void;
}

export class FaultTimeline {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pending = new Set<Promise<void>>();
  /** Undo steps of faults in force, by fault. */
  readonly #inForce = new Map<FaultSpec, { target: string; replicas: string[]; undo: () => Promise<string> }>();
  #stopped = false;

  constructor(
    private readonly faults: readonly FaultSpec[],
    private readonly targets: ReadonlyMap<string, LaunchedTarget>,
    private readonly sink: FaultSink,
    /** The run clock, ms. */
    private readonly nowMs: () => number,
  ) {}

  start(): void {
    for (const fault of this.faults) this.#at(fault.atMs, () => this.#fire(fault));
  }

  /** Cancels faults not yet fired, waits for those under way, and undoes those still in force. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    while (this.#pending.size > 0) await Promise.all(this.#pending);
    for (const fault of [...this.#inForce.keys()]) await this.#end(fault, 'the run ended');
  }

  #at(atMs: number, action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopped) return;
      const running = action().finally(() => this.#pending.delete(running));
      this.#pending.add(running);
    }, Math.max(0, atMs - this.nowMs()));
    this.#timers.add(timer);
  }

  async #fire(fault: FaultSpec): Promise<void> {
    const base = { event: 'start' as const, action: fault.action, label: fault.label };
    const firedS = this.nowMs() / 1000;
    try {
      const applied = await applyFault(fault, this.targets);
      this.sink.fault({ ...base, target: applied.target, replicas: applied.replicas, detail: applied.detail }, firedS);
      if (applied.undo === undefined) return;
      this.#inForce.set(fault, { target: applied.target, replicas: applied.replicas, undo: applied.undo });
      if (fault.forMs !== undefined) this.#at(this.nowMs() + fault.forMs, () => this.#end(fault, undefined));
    } catch (error) {
      this.sink.fault({ ...base, target: targetOf(fault), replicas: [], detail: 'not carried out', error: (error as Error).message }, firedS);
    }
  }

  async #end(fault: FaultSpec, why: string | undefined): Promise<void> {
    const entry = this.#inForce.get(fault);
    if (entry === undefined) return;
    this.#inForce.delete(fault);
    const base = { event: 'end' as const, action: fault.action, label: fault.label, target: entry.target, replicas: entry.replicas };
    const endedS = this.nowMs() / 1000;
    if (why !== undefined && fault.action === 'kill') {
      // The targets are about to be stopped: starting the killed replica now would measure nothing.
      this.sink.fault({ ...base, detail: `not restarted: ${why}` }, endedS);
      return;
    }
    try {
      const detail = await entry.undo();
      this.sink.fault({ ...base, detail: why === undefined ? detail : `${detail} (${why})` }, endedS);
    } catch (error) {
      this.sink.fault({ ...base, detail: 'could not be undone', error: (error as Error).message }, endedS);
    }
  }
}

function targetOf(fault: FaultSpec): string {
  if (fault.action === 'partition') return fault.groups[0]?.[0]?.target ?? '';
  return fault.of?.target ?? '';
}
