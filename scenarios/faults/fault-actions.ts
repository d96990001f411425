// What each kind of fault does to a launched target, and how it is undone when it has a duration.
// Each returns a description for the results stream and, for faults with an end, the undo.
import type { LaunchedTarget } from '../../fixtures/launcher/launched-target.js';
import type { FaultSpec } from '../environment-model.js';
import { describeSelection, resolveSelector } from './resolve-selector.js';

export interface AppliedFault {
  target: string;
  replicas: string[];
  detail: string;
  undo?: () => Promise<string>;
}

export async function applyFault(fault: FaultSpec, targets: ReadonlyMap<string, LaunchedTarget>): Promise<AppliedFault> {
  if (fault.action === 'partition') return partition(fault, targets);
  if (fault.of === undefined) throw new Error(`${fault.label}: ${fault.action} names no replicas`);
  const { target, ids } = await resolveSelector(fault.of, targets);
  const who = describeSelection(fault.of, ids);
  const done = (detail: string, undo?: () => Promise<string>): AppliedFault => ({ target: target.name, replicas: ids, detail, ...(undo ? { undo } : {}) });
  switch (fault.action) {
    case 'kill':
      await target.kill(ids, fault.signal);
      // With a duration, a kill is a crash followed by a restart: the drill most teams want.
      return done(
        `${fault.signal} to ${who}`,
        fault.forMs === undefined
          ? undefined
          : async () => {
              await target.restart(ids);
              return `restarted ${who}`;
            },
      );
    case 'restart':
      await target.restart(ids);
      return done(`restarted ${who}`);
    case 'pause':
      await target.pause(ids);
      return done(`SIGSTOP to ${who}`, async () => {
        await target.resume(ids);
        return `SIGCONT to ${who}`;
      });
    case 'cpu':
      target.squeezeCpu(ids, fault.cores);
      return done(`CPU quota of ${who} squeezed to ${fault.cores} cores`, async () => {
        target.squeezeCpu(ids, null);
        return `CPU quota of ${who} restored`;
      });
    case 'delay':
      await target.delay(ids, fault.delayMs, fault.jitterMs);
      return done(`${fault.delayMs} ms${fault.jitterMs > 0 ? ` ± ${fault.jitterMs} ms` : ''} network delay on ${who}`, async () => {
        await target.undelay(ids);
        return `network delay on ${who} removed`;
      });
  }
}

async function partition(fault: Extract<FaultSpec, { action: 'partition' }>, targets: ReadonlyMap<string, LaunchedTarget>): Promise<AppliedFault> {
  const resolved = await Promise.all(fault.groups.map((group) => Promise.all(group.map((selector) => resolveSelector(selector, targets)))));
  const target = resolved[0]?.[0]?.target;
  if (target === undefined) throw new Error(`${fault.label}: an empty partition`);
  const groups = resolved.map((group) => [...new Set(group.flatMap((g) => g.ids))]);
  const shown = groups.map((g) => `[${g.join(', ')}]`).join(' | ');
  await target.partition(groups);
  return {
    target: target.name,
    replicas: groups.flat(),
    detail: `network cut between ${shown}`,
    undo: async () => {
      await target.heal();
      return `partition ${shown} healed`;
    },
  };
}
