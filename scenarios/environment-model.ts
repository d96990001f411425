// The normalised form of what a scenario says about the system under test, beside its load: the
// targets the run starts itself (`targets:`), the resource sources it samples (`collect:`) and the
// chaos drill it plays (`faults:`). Quantities are numbers (cores, bytes, ms); references to
// targets are resolved and checked by the loader, so the run never meets a name it cannot place.

/** Kubernetes-style resources: limits are enforced (CFS quota, memory limit); requests set CPU weight. */
export interface ResourceSpec {
  limits: { cpuCores?: number; memoryBytes?: number };
  requests: { cpuCores?: number; memoryBytes?: number };
}

interface TargetBase {
  name: string;
  resources: ResourceSpec;
  /** `netns`: each replica in its own network namespace (root only). */
  network: 'loopback' | 'netns';
}

/** The bundled Raft KV cluster, one process per node. */
export interface RaftTargetSpec extends TargetBase {
  kind: 'raft';
  nodes: number;
  heartbeatMs: number;
  electionMs: number;
}

/** Any program, started `replicas` times. `{{replica}}` (1-based) and `{{port}}` (a free port per replica) are replaced in command, env and ready. */
export interface CommandTargetSpec extends TargetBase {
  kind: 'command';
  command: string[];
  env: Record<string, string>;
  /** Absolute working directory (default: the scenario file's directory). */
  cwd: string;
  replicas: number;
  /** URL answering 2xx once a replica is ready; absent: ready once its port (if any) accepts, or at once. */
  ready?: string;
  readyTimeoutMs: number;
  /** Replica base URL for requests (template); default http://127.0.0.1:{{port}}. */
  url: string;
}

export type TargetSpec = RaftTargetSpec | CommandTargetSpec;

/** Which replicas a fault or source addresses. Roles are resolved when the fault fires. */
export type ReplicaSelector =
  | { target: string; kind: 'all' }
  | { target: string; kind: 'replica'; index: number } // 1-based
  | { target: string; kind: 'leader' | 'follower' }; // raft targets only

export type FaultAction =
  | { action: 'kill'; signal: 'SIGKILL' | 'SIGTERM' }
  | { action: 'restart' }
  | { action: 'pause' }
  | { action: 'partition'; groups: ReplicaSelector[][] }
  | { action: 'cpu'; cores: number }
  | { action: 'delay'; delayMs: number; jitterMs: number };

export type FaultSpec = FaultAction & {
  /** Source position, for messages: "faults[2]". */
  label: string;
  atMs: number;
  /** Undone after this long (pause → resume, partition → heal, cpu → back to the limit, delay → none); absent: stays. */
  forMs?: number;
  /** What the fault acts on (partition: every replica named in its groups). */
  of?: ReplicaSelector;
};

export type SourceSpec =
  | { source: 'cgroup'; target: string; replicas: Array<{ replica: string; path?: string; pid?: number }> }
  | { source: 'process'; target: string; replicas: Array<{ replica: string; pid: number }>; children: boolean }
  | { source: 'docker'; target: string; socket: string; names: string[]; labels: string[] }
  | { source: 'kubernetes'; target: string; namespace: string; selector: string; kubeconfig?: string; context?: string }
  | { source: 'prometheus'; target: string; url: string; cpuQuery: string; memoryQuery: string; headers: Record<string, string> };

export interface CollectSpec {
  intervalMs: number;
  sources: SourceSpec[];
}

export interface EnvironmentSpec {
  targets: Record<string, TargetSpec>;
  collect: CollectSpec;
  faults: FaultSpec[];
}
