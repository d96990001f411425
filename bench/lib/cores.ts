// The target and the generator each get a core of their own, so neither can steal the other's CPU
// and a generator's cost shows up as its own.

export const TARGET_CORE = '0';
export const GENERATOR_CORE = '1';

/** The command line that runs `command` pinned to `core` (taskset execs it: the PID stays the command's). */
export function pinned(core: string, command: string, args: string[]): { command: string; args: string[] } {
  return { command: 'taskset', args: ['-c', core, command, ...args] };
}
