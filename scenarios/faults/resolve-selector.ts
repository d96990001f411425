// Turns a fault's replica selector into replica ids at the moment the fault fires: a role such as
// "leader" means whoever leads then, not whoever led when the run began.
import type { LaunchedTarget } from '../../fixtures/launcher/launched-target.js';
import type { ReplicaSelector } from '../environment-model.js';

export async function resolveSelector(selector: ReplicaSelector, targets: ReadonlyMap<string, LaunchedTarget>): Promise<{ target: LaunchedTarget; ids: string[] }> {
  const target = targets.get(selector.target);
  if (target === undefined) throw new Error(`no target ${selector.target} is running`);
  const replicas = target.replicas();
  switch (selector.kind) {
    case 'all':
      return { target, ids: replicas.map((r) => r.id) };
    case 'replica': {
      const replica = replicas.find((r) => r.index === selector.index);
      if (replica === undefined) throw new Error(`${selector.target} has no replica ${selector.index}`);
      return { target, ids: [replica.id] };
    }
    default:
      return { target, ids: await target.resolveRole(selector.kind) };
  }
}

/** How a selector reads in an event: "kv/leader (n2)". */
export function describeSelection(selector: ReplicaSelector, ids: readonly string[]): string {
  const named = selector.kind === 'all' ? selector.target : selector.kind === 'replica' ? `${selector.target}/${selector.index}` : `${selector.target}/${selector.kind}`;
  return `${named} (${ids.join(', ')})`;
}
