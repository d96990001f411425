// The manifests `loadtest k8s` writes to run one scenario from N generator pods: pure functions from
// a plan to plain Kubernetes objects, rendered as one multi-document YAML string with the `yaml`
// package (the style of reports/capacity/kubernetes-yaml.ts). Reading the scenario and its files is
// done by scenario-files.ts; choosing names, times and flags by cli/k8s.ts.
//
// What is generated, and why:
// - a ConfigMap with the scenario file and every data file it references, mounted read-only at
//   /scenario with `items: [{key, path}]` so the files keep their relative layout (a feeder's
//   `file: data/users.csv` still resolves next to the scenario);
// - a PersistentVolumeClaim (ReadWriteMany) for the results, unless an existing claim is named:
//   every worker writes its own stream to it and the gather step reads them all. The `run`
//   command writes its stream to a directory, not to stdout, so `kubectl logs` cannot carry it.
//   Each run writes under /results/<run name>/ (not a subPath mount: the kubelet creates subPath
//   directories as root, which the image's non-root user could not write), so runs sharing one
//   claim never mix;
// - an Indexed Job: completions = parallelism = N, so all N workers run at once, each with its
//   JOB_COMPLETION_INDEX (set by the Job controller in Indexed mode, expanded by the kubelet in
//   `$(VAR)` references of command/args) as its `--segment i/N`; every worker gets the same
//   `--start-at` so pods scheduled at different moments start their load together;
//   backoffLimit 0 and restartPolicy Never because a retried worker would send its share twice;
// - a gather Job, created suspended: it merges the N streams, writes the HTML report and judges
//   the gates on the merged stream. It is resumed by hand once the workers' Job is complete
//   (see `instructions`), because nothing in a plain Job can wait for another Job.
import { stringify } from 'yaml';

export const SCENARIO_MOUNT = '/scenario';
export const RESULTS_MOUNT = '/results';
/** The Job controller sets this in every pod of an Indexed Job. */
export const INDEX_VAR = 'JOB_COMPLETION_INDEX';
const WORKER_CONTAINER = 'loadtest';
const CONFIG_VOLUME = 'scenario';
const RESULTS_VOLUME = 'results';

/** Where one run's streams and outputs go on the results volume. */
export const runDir = (plan: Pick<JobPlan, 'runName'>): string => `${RESULTS_MOUNT}/${plan.runName}`;
/** The image's user (node:20-slim's `node`); numeric so the kubelet can check runAsNonRoot. */
const USER_ID = 1000;
const podSecurity = { runAsNonRoot: true, runAsUser: USER_ID, runAsGroup: USER_ID, fsGroup: USER_ID };

export interface ConfigFile {
  /** ConfigMap key: [-._a-zA-Z0-9]+, unique. */
  key: string;
  /** Path under the mount, relative, the files' layout on the machine that ran `loadtest k8s`. */
  path: string;
  content: Buffer;
}

export interface JobPlan {
  /** DNS-1123 label, unique per run: the Job's name; the ConfigMap and gather Job are named from it. */
  runName: string;
  /** Sanitised scenario name, for labels. */
  scenarioLabel: string;
  namespace?: string;
  image: string;
  parallelism: number;
  /** ISO 8601, passed to every worker's --start-at. */
  startAt: string;
  /** The scenario's path under the mount (one of files[].path). */
  scenarioPath: string;
  files: ConfigFile[];
  /** Passed on to `run --target` when given. */
  target?: string;
  /** Kubernetes quantities for each generator pod. */
  cpu: string;
  memory: string;
  /** Memory of the gather pod: the report and the gate hold the whole merged stream. */
  gatherMemory: string;
  results: { claim: string; create: boolean; size: string; storageClass?: string };
  /** Upper bound on the workers' Job, from the start time, the scenario's length and a margin. */
  activeDeadlineSeconds: number;
  gather: boolean;
}

type Obj = Record<string, unknown>;

export function labels(plan: Pick<JobPlan, 'runName' | 'scenarioLabel'>, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'loadtest',
    'app.kubernetes.io/instance': plan.runName,
    'app.kubernetes.io/component': component,
    'loadtest/scenario': plan.scenarioLabel,
  };
}

function metadata(plan: JobPlan, name: string, component: string): Obj {
  return { name, ...(plan.namespace === undefined ? {} : { namespace: plan.namespace }), labels: labels(plan, component) };
}

export const configMapName = (plan: Pick<JobPlan, 'runName'>): string => `${plan.runName}-scenario`;
export const gatherJobName = (plan: Pick<JobPlan, 'runName'>): string => `${plan.runName}-gather`;

/** Text files go under `data`, anything that is not valid UTF-8 under `binaryData` (base64). */
export function configMap(plan: JobPlan): Obj {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const file of plan.files) {
    const text = file.content.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(file.content)) data[file.key] = text;
    else binaryData[file.key] = file.content.toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(plan, configMapName(plan), 'scenario'),
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
}

export function resultsClaim(plan: JobPlan): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    // Shared by runs (each under its own directory), so it carries no run's instance label.
    metadata: {
      name: plan.results.claim,
      ...(plan.namespace === undefined ? {} : { namespace: plan.namespace }),
      labels: { 'app.kubernetes.io/name': 'loadtest', 'app.kubernetes.io/component': 'results' },
    },
    spec: {
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: plan.results.size } },
      ...(plan.results.storageClass === undefined ? {} : { storageClassName: plan.results.storageClass }),
    },
  };
}

/** The worker's argv after `loadtest`, with `$(JOB_COMPLETION_INDEX)` left for the kubelet to expand. */
export function workerArgs(plan: JobPlan): string[] {
  return [
    'run',
    `${SCENARIO_MOUNT}/${plan.scenarioPath}`,
    '--segment',
    `$(${INDEX_VAR})/${plan.parallelism}`,
    '--start-at',
    plan.startAt,
    '--out',
    `${runDir(plan)}/worker-$(${INDEX_VAR})`,
    ...(plan.target === undefined ? [] : ['--target', plan.target]),
    '--quiet',
  ];
}

/** The gather step's shell script: merge the N streams, report, then gate (its exit code is the pod's). */
export function gatherScript(plan: Pick<JobPlan, 'parallelism' | 'runName'>): string {
  const dir = runDir(plan);
  // Every stream named, not a glob: a worker that never wrote one is an error here, not a silent gap.
  const streams = Array.from({ length: plan.parallelism }, (_, i) => `${dir}/worker-${i}/results.ndjson`);
  return [
    'set -e',
    `loadtest merge ${streams.join(' ')} -o ${dir}/merged.ndjson`,
    `loadtest report ${dir}/merged.ndjson --html ${dir}/report.html`,
    `loadtest gate ${dir}/merged.ndjson --summary-json ${dir}/summary.json --junit ${dir}/junit.xml`,
  ].join('\n');
}

function resultsVolume(plan: JobPlan): Obj {
  return { name: RESULTS_VOLUME, persistentVolumeClaim: { claimName: plan.results.claim } };
}

const resultsMount: Obj = { name: RESULTS_VOLUME, mountPath: RESULTS_MOUNT };

export function workerJob(plan: JobPlan): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(plan, plan.runName, 'worker'),
    spec: {
      completionMode: 'Indexed',
      completions: plan.parallelism,
      parallelism: plan.parallelism,
      backoffLimit: 0,
      activeDeadlineSeconds: plan.activeDeadlineSeconds,
      template: {
        metadata: { labels: labels(plan, 'worker') },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity,
          containers: [
            {
              name: WORKER_CONTAINER,
              image: plan.image,
              command: ['loadtest'],
              args: workerArgs(plan),
              env: [{ name: 'CI', value: 'true' }],
              // No CPU limit: CFS throttling would stall the generator's timers and show up as the
              // target's latency. Memory request = limit, so the pod is never OOM-killed by surprise.
              resources: { requests: { cpu: plan.cpu, memory: plan.memory }, limits: { memory: plan.memory } },
              volumeMounts: [{ name: CONFIG_VOLUME, mountPath: SCENARIO_MOUNT, readOnly: true }, resultsMount],
            },
          ],
          volumes: [
            { name: CONFIG_VOLUME, configMap: { name: configMapName(plan), items: plan.files.map((f) => ({ key: f.key, path: f.path })) } },
            resultsVolume(plan),
          ],
        },
      },
    },
  };
}

export function gatherJob(plan: JobPlan): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(plan, gatherJobName(plan), 'gather'),
    spec: {
      // Resumed once the workers are done: `kubectl patch job … -p '{"spec":{"suspend":false}}'`.
      suspend: true,
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(plan, 'gather') },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity,
          containers: [
            {
              name: 'gather',
              image: plan.image,
              command: ['sh', '-c', gatherScript(plan)],
              env: [{ name: 'CI', value: 'true' }],
              resources: { requests: { cpu: '500m', memory: plan.gatherMemory }, limits: { memory: plan.gatherMemory } },
              volumeMounts: [resultsMount],
            },
          ],
          volumes: [resultsVolume(plan)],
        },
      },
    },
  };
}

/** The commands that run the manifests and fetch the outputs, as shown in the YAML header and on stderr. */
export function instructions(plan: JobPlan, file: string): string[] {
  const ns = plan.namespace === undefined ? '' : ` -n ${plan.namespace}`;
  const fetch = `${plan.runName}-fetch`;
  const overrides = JSON.stringify({
    spec: {
      securityContext: podSecurity,
      volumes: [resultsVolume(plan)],
      containers: [{ name: 'fetch', image: plan.image, command: ['sleep', '3600'], volumeMounts: [resultsMount] }],
    },
  });
  const lines = [
    `kubectl apply${ns} -f ${file}`,
    `kubectl wait${ns} --for=condition=complete job/${plan.runName} --timeout=${plan.activeDeadlineSeconds}s`,
  ];
  if (plan.gather) {
    lines.push(
      `kubectl patch${ns} job/${gatherJobName(plan)} --type=merge -p '{"spec":{"suspend":false}}'`,
      `kubectl wait${ns} --for=condition=complete job/${gatherJobName(plan)} --timeout=600s; kubectl logs${ns} job/${gatherJobName(plan)}`,
    );
  }
  lines.push(
    `kubectl run${ns} ${fetch} --image=${plan.image} --restart=Never --overrides='${overrides}'`,
    `kubectl wait${ns} --for=condition=ready pod/${fetch} && kubectl cp${ns} ${fetch}:${runDir(plan)} ./${plan.runName} && kubectl delete${ns} pod/${fetch}`,
  );
  if (!plan.gather) lines.push(`loadtest merge ./${plan.runName}/worker-*/results.ndjson -o merged.ndjson && loadtest report merged.ndjson --html report.html && loadtest gate merged.ndjson`);
  return lines;
}

/** Every object, as one multi-document YAML string with a header saying how to use it. */
export function renderManifests(plan: JobPlan, file = 'manifests.yaml'): string {
  const objects: Obj[] = [configMap(plan)];
  if (plan.results.create) objects.push(resultsClaim(plan));
  objects.push(workerJob(plan));
  if (plan.gather) objects.push(gatherJob(plan));
  const header =
    `# loadtest k8s: ${plan.parallelism} worker(s) start together at ${plan.startAt}\n` +
    instructions(plan, file).map((line, i) => `# ${i + 1}. ${line}\n`).join('');
  return objects.map((o, i) => `---\n${i === 0 ? header : ''}${stringify(o, { lineWidth: 0 })}`).join('');
}
