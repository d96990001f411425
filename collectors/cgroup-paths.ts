// Finding a cgroup's directories. The hierarchy is not always at /sys/fs/cgroup with one layout:
// v2 mounts one unified tree; v1 mounts one tree per controller, sometimes several controllers
// together (`cpu,cpuacct`), and a hybrid system mounts both (v1 owns the controllers, the v2
// tree then has none). Inside a container a mount may show only a subtree (its mountinfo root is
// not `/`), and /proc/<pid>/cgroup paths are relative to the hierarchy's root, not to the mount.
// So the mounts are read from /proc/self/mountinfo rather than guessed. Parsing is pure, so both
// layouts are tested against real file contents; the readers at the bottom touch the machine.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { CgroupLocation } from './cgroup-counters.js';

/** One mounted hierarchy: where it is mounted, and which of its paths the mount shows as its top. */
export interface CgroupMount {
  mountPoint: string;
  /** The hierarchy path shown at mountPoint (`/` on a host; a subtree inside some containers). */
  root: string;
}

export interface CgroupMounts {
  /** The cgroup2 mount, if any (on a hybrid system it exists but holds no controllers). */
  unified: CgroupMount | null;
  /** v1 mounts by controller; controllers mounted together share one entry's values. */
  v1: Map<string, CgroupMount>;
}

/** The controllers the counters need from a v1 system. */
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory'] as const;

/** v1 super options that are not controllers (`name=`, `release_agent=` carry a `=` and are skipped too). */
const V1_MOUNT_OPTIONS = new Set(['rw', 'ro', 'xattr', 'noprefix', 'clone_children', 'cpuset_v2_mode', 'favordynmods']);

/** mountinfo escapes space, tab, newline and backslash in paths as octal (`\040`). */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * /proc/self/mountinfo → the cgroup mounts. A line is
 * `id parent major:minor root mountPoint options [optional fields] - fstype source superOptions`;
 * v1 controllers are named in the super options (`rw,cpu,cpuacct`). Of several mounts of one
 * hierarchy, the first that shows its root wins (a bind mount of a subtree would put groups made
 * through it inside someone else's); without one, the first mount.
 */
export function parseMountinfo(text: string): CgroupMounts {
  const mounts: CgroupMounts = { unified: null, v1: new Map() };
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const [fsType, , superOptions = ''] = line.slice(separator + 3).split(' ');
    const root = before[3];
    const mountPoint = before[4];
    if (root === undefined || mountPoint === undefined) continue;
    const mount = { mountPoint: unescapeMountPath(mountPoint), root: unescapeMountPath(root) };
    const better = (current: CgroupMount | null | undefined): boolean => current == null || (current.root !== '/' && mount.root === '/');
    if (fsType === 'cgroup2') {
      if (better(mounts.unified)) mounts.unified = mount;
    } else if (fsType === 'cgroup') {
      for (const option of superOptions.split(',')) {
        if (V1_MOUNT_OPTIONS.has(option) || option.includes('=')) continue;
        if (better(mounts.v1.get(option))) mounts.v1.set(option, mount);
      }
    }
  }
  return mounts;
}

/**
 * Which layout holds the CPU and memory counters. A controller is in one hierarchy at a time, so
 * if v1 mounts cpuacct, v1 is the one to read even when a (controller-less) v2 tree is mounted too.
 */
export function versionOf(mounts: CgroupMounts): 1 | 2 {
  if (mounts.v1.has('cpuacct')) return 1;
  if (mounts.unified !== null) return 2;
  throw new Error('no cgroup hierarchy is mounted (no cgroup2 mount and no v1 cpuacct mount in /proc/self/mountinfo)');
}

/** /proc/<pid>/cgroup → the v2 path (`0::/path`) and the v1 path per controller (`4:cpu,cpuacct:/path`). */
export function parseProcCgroup(text: string): { unified: string | null; v1: Map<string, string> } {
  const out = { unified: null as string | null, v1: new Map<string, string>() };
  for (const line of text.split('\n')) {
    // The path may itself contain ':', so split on the first two only.
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const id = line.slice(0, first);
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (id === '0' && controllers === '') out.unified = path;
    else for (const c of controllers.split(',')) if (c !== '' && !c.includes('=')) out.v1.set(c, path);
  }
  return out;
}

/**
 * The directory of hierarchy path `path` under `mount`. When the mount shows only a subtree
 * (root `/docker/abc`), a path inside that subtree is found relative to it.
 */
export function directoryOf(mount: CgroupMount, path: string): string {
  const normalised = posix.normalize(`/${path}`);
  const root = mount.root === '/' ? '' : mount.root;
  const inside = root !== '' && (normalised === root || normalised.startsWith(`${root}/`)) ? normalised.slice(root.length) : normalised;
  return join(mount.mountPoint, inside);
}

/**
 * Where a cgroup lives, without checking that it exists. `paths` gives the hierarchy path per v1
 * controller (they can differ: /proc/<pid>/cgroup may put a process in different groups per
 * controller) or the one v2 path.
 */
export function locationOf(mounts: CgroupMounts, paths: { unified: string | null; v1: (controller: string) => string | undefined }): CgroupLocation {
  if (versionOf(mounts) === 2) {
    if (paths.unified === null) throw new Error('no cgroup v2 path given (no `0::/path` line)');
    return { version: 2, dir: directoryOf(mounts.unified as CgroupMount, paths.unified) };
  }
  const dirs = V1_CONTROLLERS.map((controller) => {
    const mount = mounts.v1.get(controller);
    if (mount === undefined) throw new Error(`cgroup v1: the ${controller} controller is not mounted (mounted: ${[...mounts.v1.keys()].join(', ') || 'none'})`);
    const path = paths.v1(controller);
    if (path === undefined) throw new Error(`cgroup v1: no path for the ${controller} controller`);
    return directoryOf(mount, path);
  }) as [string, string, string];
  return { version: 1, cpu: dirs[0], cpuacct: dirs[1], memory: dirs[2] };
}

/** The cgroup mounts of this machine (as this process sees them). */
export function cgroupMounts(): CgroupMounts {
  return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

export function cgroupVersion(mounts: CgroupMounts = cgroupMounts()): 1 | 2 {
  return versionOf(mounts);
}

/**
 * The cgroup at hierarchy path `relative` (`/kubepods/pod123/abc`, `/system.slice/nginx.service`),
 * checked to exist: a mistyped path fails here, naming the mount it was looked for under, rather
 * than as an unreadable file at every sample.
 */
export function cgroupOfPath(relative: string, mounts: CgroupMounts = cgroupMounts()): CgroupLocation {
  const location = locationOf(mounts, { unified: relative, v1: () => relative });
  assertExists(relative, location, mounts);
  return location;
}

/** The cgroup process `pid` is in, from /proc/<pid>/cgroup. */
export function cgroupOfPid(pid: number, mounts: CgroupMounts = cgroupMounts()): CgroupLocation {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `pid ${pid}: no such process (no /proc/${pid}/cgroup)` : `pid ${pid}: cannot read /proc/${pid}/cgroup (${code ?? String(error)})`);
  }
  const parsed = parseProcCgroup(text);
  const location = locationOf(mounts, { unified: parsed.unified, v1: (c) => parsed.v1.get(c) });
  assertExists(`of pid ${pid}`, location, mounts);
  return location;
}

function assertExists(what: string, location: CgroupLocation, mounts: CgroupMounts): void {
  const checks: Array<[string, CgroupMount | undefined]> =
    location.version === 2
      ? [[location.dir, mounts.unified ?? undefined]]
      : [
          [location.cpu, mounts.v1.get('cpu')],
          [location.cpuacct, mounts.v1.get('cpuacct')],
          [location.memory, mounts.v1.get('memory')],
        ];
  for (const [dir, mount] of checks) {
    if (!existsSync(dir)) throw new Error(`cgroup ${what}: not found under ${mount?.mountPoint ?? dir} (no ${dir})`);
  }
}
