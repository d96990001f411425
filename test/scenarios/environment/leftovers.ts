// What a run may leave behind on this machine: cgroups and network namespaces named by the tool.
// Tests list them before and after a run; anything new afterwards is a leak. Run cgroups carry the
// PID of the process that ran them, so only this process's count (another run on the machine at
// the same time is not our leak); namespace names carry no PID, so every one of ours counts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpu,cpuacct'];

export function toolLeftovers(): string[] {
  const found: string[] = [];
  for (const root of CGROUP_ROOTS) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root)) if (name.startsWith('loadtest-') && name.endsWith(`-${process.pid}`)) found.push(join(root, name));
  }
  try {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of namespaces.split('\n')) if (line.startsWith('loadtest-')) found.push(`netns ${line.split(' ')[0]}`);
  } catch {
    // no iproute2: no namespaces either
  }
  return found.sort();
}

export function newSince(before: readonly string[]): string[] {
  return toolLeftovers().filter((entry) => !before.includes(entry));
}
