// Normalises `faults:`, the chaos drill played during the load. The schema has checked each key's
// type; this checks that a fault does one thing, that every selector names replicas this scenario
// starts (and that exist), that the fault fires while the load still runs, and sorts the faults by time.

import type { FaultAction, FaultSpec, ReplicaSelector, TargetSpec } from '../environment-model.js';
import { formatDuration } from './duration.js';
import type { IssueCollector } from './issue-collector.js';
import { didYouMean } from './nearest-key.js';
import { asRecord, durationAt, parseAt, type RawObject } from './normalize-fields.js';
import { positiveAt } from './normalize-targets.js';
import { parseCpu } from './quantity.js';
import { parseReplicaSelector, type ParsedSelector } from './replica-selector.js';
import { formatPath, type ValuePath } from './value-path.js';

export const FAULT_ACTIONS = ['kill', 'restart', 'pause', 'partition', 'cpu', 'delay'] as const;
type ActionName = (typeof FAULT_ACTIONS)[number];

// What `for` undoes: pause → resume, partition → heal, cpu and delay → restored, kill → restart.
const UNDONE_AFTER_FOR: readonly ActionName[] = ['kill', 'pause', 'partition', 'cpu', 'delay'];

export interface FaultContext {
  targets: Record<string, TargetSpec>;
  /** Every name under `targets:`, including ones too broken to normalise (already reported). */
  declared: readonly string[];
  /** Targets of collect sources: known, but not started, so no fault can reach them. */
  collected: readonly string[];
  /** Sum of the phase durations: a fault must fire before it. 0 when the phases are invalid. */
  loadEndMs: number;
}

export function normalizeFaults(raw: unknown, context: FaultContext, issues: IssueCollector): FaultSpec[] {
  if (!Array.isArray(raw)) return [];
  const faults: FaultSpec[] = [];
  const selectors = new Selectors(context, issues);
  raw.forEach((item, index) => {
    const fault = normalizeFault(asRecord(item), ['faults', index], selectors, issues, context.loadEndMs);
    if (fault) faults.push(fault);
  });
  // Array sort is stable: faults at the same time keep the order they were written in.
  return faults.sort((a, b) => a.atMs - b.atMs);
}

function normalizeFault(raw: RawObject, path: ValuePath, selectors: Selectors, issues: IssueCollector, loadEndMs: number): FaultSpec | undefined {
  const atMs = durationAt(issues, [...path, 'at'], raw.at, false);
  if (atMs !== undefined && loadEndMs > 0 && atMs >= loadEndMs) {
    const when = atMs === loadEndMs ? 'just as the load ends' : 'after the load ends';
    issues.addUnlessReported([...path, 'at'], `fault at ${String(raw.at)} would fire ${when} at ${formatDuration(loadEndMs)}`);
  }
  const present = FAULT_ACTIONS.filter((key) => raw[key] !== undefined);
  if (present.length === 0) {
    issues.addUnlessReported(path, `a fault needs one of ${FAULT_ACTIONS.join(', ')}`);
    return undefined;
  }
  if (present.length > 1) {
    issues.addUnlessReported([...path, present[1]!], `a fault does one thing, and this one has both "${present[0]}" and "${present[1]}"; split it into two faults`, 'key');
    return undefined;
  }
  const action = present[0]!;
  checkModifiers(raw, action, path, issues);
  const forMs = UNDONE_AFTER_FOR.includes(action) ? durationAt(issues, [...path, 'for'], raw.for, true) : undefined;
  const acted = faultAction(raw, action, path, selectors, issues);
  if (!acted || atMs === undefined) return undefined;
  const fault: FaultSpec = { ...acted.action, label: formatPath(path), atMs };
  if (forMs !== undefined) fault.forMs = forMs;
  if (acted.of) fault.of = acted.of;
  return fault;
}

/** Keys that only some actions take. */
function checkModifiers(raw: RawObject, action: ActionName, path: ValuePath, issues: IssueCollector): void {
  if (raw.for !== undefined && !UNDONE_AFTER_FOR.includes(action)) {
    const why = action === 'kill' ? 'a killed replica stays down (restart it with a later fault)' : 'a restart is done once';
    issues.addUnlessReported([...path, 'for'], `"for" does not apply to ${action}: ${why}`, 'key');
  }
  if (raw.signal !== undefined && action !== 'kill') issues.addUnlessReported([...path, 'signal'], `"signal" applies to kill only`, 'key');
  if (raw.jitter !== undefined && action !== 'delay') issues.addUnlessReported([...path, 'jitter'], `"jitter" applies to delay only`, 'key');
}

function faultAction(
  raw: RawObject,
  action: ActionName,
  path: ValuePath,
  selectors: Selectors,
  issues: IssueCollector,
): { action: FaultAction; of?: ReplicaSelector } | undefined {
  const actionPath = [...path, action];
  const ofPath = [...path, 'of'];
  switch (action) {
    case 'kill':
    case 'restart':
    case 'pause': {
      const of = selectors.resolve(raw[action], actionPath, selectors.roleTarget(raw.of, ofPath));
      if (!of) return undefined;
      if (action === 'kill') return { action: { action, signal: raw.signal === 'SIGTERM' ? 'SIGTERM' : 'SIGKILL' }, of };
      return { action: { action }, of };
    }
    case 'partition':
      return selectors.partition(raw.partition, actionPath, selectors.roleTarget(raw.of, ofPath));
    case 'cpu':
    case 'delay': {
      if (raw.of === undefined) {
        const what = action === 'cpu' ? 'the replicas to squeeze' : 'the replicas whose network to slow';
        issues.addUnlessReported(path, `${action} needs "of": ${what}, e.g. of: kv/2`);
      }
      const of = selectors.resolve(raw.of, ofPath, undefined);
      if (action === 'cpu') {
        const cores = positiveAt(issues, actionPath, raw.cpu, parseCpu);
        return of && cores !== undefined ? { action: { action, cores }, of } : undefined;
      }
      const delayMs = durationAt(issues, actionPath, raw.delay, true);
      const jitterMs = durationAt(issues, [...path, 'jitter'], raw.jitter, false) ?? 0;
      const target = of ? selectors.targets[of.target] : undefined;
      // A raft node's traffic can be slowed on loopback by the fixture; any other program needs
      // its own interface for netem to act on it alone.
      if (target?.kind === 'command' && target.network !== 'netns') {
        issues.addUnlessReported(ofPath, `delay needs netem on the replica's own interface: set network: netns on target ${target.name}`);
      }
      return of && delayMs !== undefined ? { action: { action, delayMs, jitterMs }, of } : undefined;
    }
  }
}

/** Resolves selectors against the scenario's targets, reporting at the path of the text that failed. */
class Selectors {
  readonly targets: Record<string, TargetSpec>;

  constructor(
    private readonly context: FaultContext,
    private readonly issues: IssueCollector,
  ) {
    this.targets = context.targets;
  }

  /** `of:` beside a kill, restart, pause or partition: a target name, for the roles in the selector. */
  roleTarget(raw: unknown, path: ValuePath): { name: string; path: ValuePath } | undefined {
    if (typeof raw !== 'string') return undefined;
    const parsed = parseAt(this.issues, path, raw, parseReplicaSelector);
    if (parsed && parsed.kind !== 'all') {
      this.issues.addUnlessReported(path, `"of" here names the target of a leader or follower role: a target name such as kv, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return parsed ? { name: parsed.target, path } : undefined;
  }

  resolve(raw: unknown, path: ValuePath, of: { name: string; path: ValuePath } | undefined): ReplicaSelector | undefined {
    if (typeof raw !== 'string') return undefined; // absent, or reported by the schema
    const parsed = parseAt(this.issues, path, raw, parseReplicaSelector);
    if (!parsed) return undefined;
    if (of && parsed.target !== undefined) {
      this.issues.addUnlessReported(of.path, `"of" names the target of a leader or follower role; ${JSON.stringify(raw)} already names its target`);
      return undefined;
    }
    if (parsed.kind === 'all' || parsed.kind === 'replica') return this.named(parsed, String(raw), path);
    const name = parsed.target ?? of?.name ?? this.onlyRaftTarget(parsed.kind, path);
    if (name === undefined) return undefined;
    const target = this.target(name, parsed.target !== undefined || !of ? path : of.path);
    if (!target) return undefined;
    if (target.kind !== 'raft') {
      this.issues.addUnlessReported(path, `${parsed.kind} is a role in a raft target; ${name} is a command target (name a replica, e.g. ${name}/1)`);
      return undefined;
    }
    return { target: name, kind: parsed.kind };
  }

  /** A selector naming its target: every replica, or one that must exist. */
  private named(parsed: Extract<ParsedSelector, { kind: 'all' | 'replica' }>, text: string, path: ValuePath): ReplicaSelector | undefined {
    const target = this.target(parsed.target, path);
    if (!target) return undefined;
    if (parsed.kind === 'all') return { target: parsed.target, kind: 'all' };
    const count = target.kind === 'raft' ? target.nodes : target.replicas;
    if (parsed.index > count) {
      const unit = target.kind === 'raft' ? 'node' : 'replica';
      this.issues.addUnlessReported(path, `${target.name} has ${count} ${unit}${count === 1 ? '' : 's'}; ${text} does not exist`);
      return undefined;
    }
    return { target: parsed.target, kind: 'replica', index: parsed.index };
  }

  /** Groups of one raft target, with no replica named twice where that is known before the run. */
  partition(raw: unknown, path: ValuePath, of: { name: string; path: ValuePath } | undefined): { action: FaultAction; of?: ReplicaSelector } | undefined {
    if (!Array.isArray(raw)) return undefined;
    let first: { target: string; text: string } | undefined;
    let valid = true;
    const seen: Array<{ selector: ReplicaSelector; text: string; path: ValuePath }> = [];
    const groups = raw.map((group, g) =>
      (Array.isArray(group) ? group : []).flatMap((text: unknown, k): ReplicaSelector[] => {
        const at = [...path, g, k];
        const selector = this.resolve(text, at, of);
        if (!selector) {
          valid = false;
          return [];
        }
        const shown = String(text);
        if (!first) {
          first = { target: selector.target, text: shown };
          const target = this.targets[selector.target];
          if (target?.kind === 'command') {
            this.issues.addUnlessReported(at, `partition splits a raft cluster; ${selector.target} is a command target`);
            valid = false;
          }
        } else if (selector.target !== first.target) {
          this.issues.addUnlessReported(at, `a partition splits one target: ${first.text} is in ${first.target}, ${shown} is in ${selector.target}`);
          valid = false;
        }
        const clash = seen.find((earlier) => overlaps(earlier.selector, selector));
        if (clash) {
          this.issues.addUnlessReported(at, `${shown} names a replica already in this partition (${clash.text} at ${formatPath(clash.path)})`);
          valid = false;
        }
        seen.push({ selector, text: shown, path: at });
        return [selector];
      }),
    );
    if (!valid || !first) return undefined;
    return { action: { action: 'partition', groups }, of: { target: first.target, kind: 'all' } };
  }

  private target(name: string, path: ValuePath): TargetSpec | undefined {
    const target = this.targets[name];
    if (target) return target;
    if (this.context.declared.includes(name)) return undefined; // too broken to use; reported under targets:
    const rule = 'faults act on targets this scenario starts (targets:)';
    if (this.context.collected.includes(name)) {
      this.issues.addUnlessReported(path, `${name} is only collected (collect.sources), not started: ${rule}`);
    } else {
      const known = Object.keys(this.targets);
      const message =
        known.length > 0
          ? `unknown target ${JSON.stringify(name)}${didYouMean(name, known)} (faults act on targets this scenario starts: ${known.join(', ')})`
          : `unknown target ${JSON.stringify(name)}: ${rule}, and it starts none`;
      this.issues.addUnlessReported(path, message);
    }
    return undefined;
  }

  private onlyRaftTarget(role: string, path: ValuePath): string | undefined {
    const rafts = Object.values(this.targets).filter((target) => target.kind === 'raft');
    if (rafts.length === 1) return rafts[0]!.name;
    const why = rafts.length === 0 ? 'this scenario starts no raft target' : `this scenario starts ${rafts.length}: ${rafts.map((t) => t.name).join(', ')}`;
    this.issues.addUnlessReported(path, `${role} is a role in a raft target; say which with of: <target> or <target>/${role} (${why})`);
    return undefined;
  }
}

/** Whether two selectors of one target surely share a replica (roles are only known when the fault fires). */
function overlaps(a: ReplicaSelector, b: ReplicaSelector): boolean {
  if (a.target !== b.target) return false;
  if (a.kind === 'all' || b.kind === 'all') return true;
  if (a.kind === 'replica' && b.kind === 'replica') return a.index === b.index;
  return a.kind === b.kind;
}
