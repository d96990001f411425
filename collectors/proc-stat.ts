// What /proc says about one process and its descendants: CPU time (own, and that of children it
// has reaped), parent, start time, resident memory. Parsing is pure (tested on real file
// contents); the readers below it touch /proc and report a vanished process as `null`, because
// processes exit between any two reads and that is not an error here.
//
// Descendants are found by walking /proc/<pid>/task/<tid>/children, not by scanning the ppid of
// every /proc/*/stat: the walk costs what the subtree costs, while a scan reads every process on
// the machine each second, on the load generator's own event loop. The kernel only builds the
// children files with CONFIG_PROC_CHILDREN, so without them the scan is the fallback. The
// children files are racy (a child forked during the read can be missed); it is then found at
// the next reading, and its CPU counted from its start.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie: exited, not yet reaped), T, ... */
  state: string;
  ppid: number;
  /** CPU time in clock ticks: own user and system, and of children this process has waited for. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** Start time in ticks since boot: tells a process from a later one that reuses its pid. */
  startTime: number;
}

/**
 * /proc/<pid>/stat. The command name is in parentheses and may itself hold spaces and `)`, so
 * fields are counted from the last `)`.
 */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 80))}`);
  // After ")": field 3 (state) is index 0, so field n is index n − 3.
  const rest = text.slice(close + 2).trim().split(' ');
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/<pid>/stat field ${n} is not a number: ${JSON.stringify(rest[n - 3])}`);
    return value;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    startTime: field(22),
  };
}

/** VmRSS from /proc/<pid>/status, in bytes; null when absent (kernel threads, zombies). */
export function parseStatusRssBytes(text: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match === null ? null : Number(match[1]) * 1024;
}

/** /proc/<pid>/task/<tid>/children: space-separated pids. */
export function parseChildren(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/**
 * Clock ticks per second (USER_HZ), the unit of the stat CPU times, from `getconf CLK_TCK`, read
 * once. If getconf cannot run, 100 (USER_HZ on every Linux architecture in use) is assumed and
 * `assumed` says so, for the caller to report rather than hide.
 */
export function clockTicksPerSecond(): { perSecond: number; assumed: string | null } {
  if (cachedTicks === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim());
      if (!(value > 0)) throw new Error(`getconf CLK_TCK printed ${value}`);
      cachedTicks = { perSecond: value, assumed: null };
    } catch (error) {
      cachedTicks = { perSecond: 100, assumed: `getconf CLK_TCK failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); assuming 100 ticks per second` };
    }
  }
  return cachedTicks;
}
let cachedTicks: { perSecond: number; assumed: string | null } | undefined;

/** One process as read now. */
export interface ProcessReading {
  stat: ProcStat;
  rssBytes: number | null;
}

/** Reads /proc/<pid>/stat and status; null when the process is gone. */
export function readProcess(pid: number): ProcessReading | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const status = readOrNull(`/proc/${pid}/status`);
  return { stat: parseStat(stat), rssBytes: status === null ? null : parseStatusRssBytes(status) };
}

/** The pids whose parent is `pid`, from the children file of each of its threads (children belong to the thread that forked them). */
export function childrenOf(pid: number): number[] | 'unsupported' {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tids) {
    try {
      children.push(...parseChildren(readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')));
    } catch (error) {
      // The thread exited (its task dir is gone) or the kernel has no children files at all.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tid === String(pid) && readOrNull(`/proc/${pid}/stat`) !== null) return 'unsupported';
    }
  }
  return children;
}

/** Parent → children for every process on the machine: the fallback when there are no children files. */
function childrenByScan(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = readOrNull(`/proc/${name}/stat`);
    if (text === null) continue;
    const { pid, ppid } = parseStat(text);
    const list = byParent.get(ppid) ?? [];
    list.push(pid);
    byParent.set(ppid, list);
  }
  return byParent;
}

/** A process tree can be large, but not this large: a bound against pid-reuse cycles in racy reads. */
const MAX_TREE_SIZE = 100_000;

/**
 * `rootPid` and (with `descendants`) everything below it, keyed by pid; null when the root has
 * exited or is a zombie (it stopped running; its parent just has not reaped it yet).
 */
export function readProcessTree(rootPid: number, descendants: boolean): Map<number, ProcessReading> | null {
  const root = readProcess(rootPid);
  if (root === null || root.stat.state === 'Z') return null;
  const tree = new Map<number, ProcessReading>([[rootPid, root]]);
  if (!descendants) return tree;
  let scanned: Map<number, number[]> | undefined;
  const childrenFor = (pid: number): number[] => {
    if (scanned === undefined) {
      const listed = childrenOf(pid);
      if (listed !== 'unsupported') return listed;
      scanned = childrenByScan();
    }
    return scanned.get(pid) ?? [];
  };
  const queue = [rootPid];
  while (queue.length > 0 && tree.size < MAX_TREE_SIZE) {
    const parent = queue.shift() as number;
    for (const child of childrenFor(parent)) {
      if (tree.has(child)) continue;
      const reading = readProcess(child);
      // The child may have exited since the list was read, or its pid been reused by an unrelated process.
      if (reading === null || reading.stat.ppid !== parent) continue;
      tree.set(child, reading);
      queue.push(child);
    }
  }
  return tree;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
