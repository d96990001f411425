import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// CPU and memory accounting from /proc: what the kernel charged, not what a tool says about itself.

/** Kernel clock ticks per second (USER_HZ), for turning stat fields into seconds. */
export function clockTicksPerSecond(): number {
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
}

/** Fields are counted after the ")" that ends the command name; `first` is utime's index there. */
function statTicks(path: string, first: number): number {
  const text = readFileSync(path, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[first]) + Number(fields[first + 1]);
}

/** utime + stime of this process's reaped children, in clock ticks (fields 16 and 17 of stat). */
export function childrenCpuTicks(): number {
  return statTicks('/proc/self/stat', 13);
}

/** utime + stime of one process, in clock ticks (fields 14 and 15 of stat); 0 once it is gone. */
export function processCpuTicks(pid: number): number {
  try {
    return statTicks(`/proc/${pid}/stat`, 11);
  } catch {
    return 0;
  }
}

/** user + nice + system ticks of the given cores, from /proc/stat. */
export function coresBusyTicks(cores: string[]): number {
  let total = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (\d+) (\d+) (\d+)/.exec(line);
    if (m !== null && cores.includes(m[1]!)) total += Number(m[2]) + Number(m[3]) + Number(m[4]);
  }
  return total;
}

/** Resident set size of a process (VmRSS of /proc/<pid>/status) in bytes, or undefined once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}
