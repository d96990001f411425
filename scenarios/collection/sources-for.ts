// The resource sources of a run: one per launched target (its replicas' own cgroups when it has
// them, else their process trees from /proc), and one per `collect:` source of the scenario. A
// source whose cgroup or pid cannot be found up front still joins the run: its problem is
// reported as a collector error every time it changes, and the load goes on.
import { CgroupSource } from '../../collectors/cgroup.js';
import { cgroupMounts, cgroupOfPath, cgroupOfPid, type CgroupMounts } from '../../collectors/cgroup-paths.js';
import type { CgroupLocation } from '../../collectors/cgroup-counters.js';
import { DockerSource } from '../../collectors/docker.js';
import { KubernetesSource } from '../../collectors/kubernetes.js';
import { ProcessSource } from '../../collectors/process.js';
import { PrometheusSource } from '../../collectors/prometheus.js';
import type { ResourceSource } from '../../collectors/resource-source.js';
import type { LaunchedEnvironment } from '../../fixtures/launcher/environment.js';
import type { LaunchedTarget } from '../../fixtures/launcher/launched-target.js';
import type { SourceSpec } from '../environment-model.js';

export function sourcesFor(specs: readonly SourceSpec[], environment: LaunchedEnvironment | undefined, intervalMs: number): ResourceSource[] {
  const sources: ResourceSource[] = [];
  for (const target of environment?.targets.values() ?? []) sources.push(launchedTargetSource(target));
  for (const spec of specs) sources.push(configuredSource(spec, intervalMs));
  return sources;
}

function launchedTargetSource(target: LaunchedTarget): ResourceSource {
  if (target.replicas().every((r) => r.cgroup !== undefined)) {
    // A replica that is down (killed by a fault) is not sampled until it is back: its empty group
    // would report zeros that say nothing about what a running replica needs.
    return new CgroupSource({
      target: target.name,
      replicas: () => target.replicas().flatMap((r) => (r.pid === null ? [] : [{ replica: r.id, location: r.cgroup as CgroupLocation }])),
    });
  }
  return new ProcessSource({
    target: target.name,
    children: true,
    replicas: () => target.replicas().flatMap((r) => (r.pid === null ? [] : [{ replica: r.id, pid: r.pid }])),
  });
}

function configuredSource(spec: SourceSpec, intervalMs: number): ResourceSource {
  switch (spec.source) {
    case 'cgroup': {
      // The mounts are read once (they do not move during a run); the groups are looked up on every poll.
      let mounts: CgroupMounts | undefined;
      return new CgroupSource({
        target: spec.target,
        replicas: () => {
          mounts ??= cgroupMounts();
          return spec.replicas.map((r) => ({ replica: r.replica, location: locate(r, mounts as CgroupMounts) }));
        },
      });
    }
    case 'process':
      return new ProcessSource({ target: spec.target, children: spec.children, replicas: () => spec.replicas });
    case 'docker':
      return new DockerSource({ target: spec.target, socket: spec.socket, names: spec.names, labels: spec.labels });
    case 'kubernetes':
      return new KubernetesSource({
        target: spec.target,
        namespace: spec.namespace,
        selector: spec.selector,
        ...(spec.kubeconfig !== undefined ? { kubeconfig: spec.kubeconfig } : {}),
        ...(spec.context !== undefined ? { context: spec.context } : {}),
      });
    case 'prometheus':
      return new PrometheusSource({ target: spec.target, url: spec.url, cpuQuery: spec.cpuQuery, memoryQuery: spec.memoryQuery, headers: spec.headers, stepMs: intervalMs });
  }
}

/**
 * By path, or by pid: looked up on every poll, so a cgroup that appears later (a service started
 * after the load) is picked up, and one that is missing is a recorded error, not a crash.
 */
function locate(replica: { replica: string; path?: string; pid?: number }, mounts: CgroupMounts): CgroupLocation {
  if (replica.path !== undefined) return cgroupOfPath(replica.path, mounts);
  return cgroupOfPid(replica.pid as number, mounts);
}
