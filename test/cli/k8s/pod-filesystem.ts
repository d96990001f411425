import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// What a pod of the generated Jobs sees, laid out on this machine: the ConfigMap's files where its
// volume's items put them (as the kubelet writes them under the mount), and each mountPath of a
// container as a local folder, so the pods' exact commands can be run here or in the image.

// Manifests as parsed YAML: tests walk them by the Kubernetes field names.
export type Obj = Record<string, any>;

export const byKind = (docs: Obj[], kind: string, component?: string): Obj[] =>
  docs.filter((d) => d.kind === kind && (component === undefined || d.metadata.labels?.['app.kubernetes.io/component'] === component));

/** Writes the ConfigMap's files where its volume's items put them under `mount`. */
export function materialise(configMap: Obj, items: Obj[], mount: string): void {
  for (const { key, path } of items) {
    const content = configMap.data?.[key] !== undefined ? Buffer.from(configMap.data[key], 'utf8') : Buffer.from(configMap.binaryData[key], 'base64');
    mkdirSync(dirname(join(mount, path)), { recursive: true });
    writeFileSync(join(mount, path), content);
  }
}

/**
 * The worker pod's volumes under `root`: the ConfigMap's files written out, and a mapper from a
 * path as the pod sees it to its local place (paths outside every mount are returned unchanged).
 */
export function workerPodFiles(job: Obj, configMap: Obj, root: string): { local: (mountPath: string) => string; toLocal: (arg: string) => string; mounts: Array<{ mountPath: string; local: string }> } {
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  const local = (mountPath: string): string => join(root, mountPath);
  const configVolume = pod.volumes.find((v: Obj) => v.configMap);
  const configMount = container.volumeMounts.find((m: Obj) => m.name === configVolume.name);
  materialise(configMap, configVolume.configMap.items, local(configMount.mountPath));
  const mountPaths = container.volumeMounts.map((m: Obj) => m.mountPath as string);
  const toLocal = (arg: string): string => {
    const mount = mountPaths.find((m: string) => arg === m || arg.startsWith(`${m}/`));
    return mount === undefined ? arg : local(mount) + arg.slice(mount.length);
  };
  return { local, toLocal, mounts: mountPaths.map((mountPath: string) => ({ mountPath, local: local(mountPath) })) };
}

/** The worker container's arguments for one index, `$(JOB_COMPLETION_INDEX)` expanded as the kubelet does. */
export function workerArgsFor(job: Obj, index: number): string[] {
  return (job.spec.template.spec.containers[0].args as string[]).map((a) => a.replaceAll('$(JOB_COMPLETION_INDEX)', String(index)));
}
