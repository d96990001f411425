import { collect, start, type Finished } from './processes.js';
import { childrenCpuTicks, coresBusyTicks, processCpuTicks } from './proc-stat.js';
import { GENERATOR_CORE, TARGET_CORE } from './cores.js';

// What one generator run cost, as the kernel counted it: the generator's CPU (it is our child, so
// its time lands in our cutime/cstime once reaped, start-up included), the target worker's share of
// its core, and what everything else took on the two benchmark cores meanwhile (noise).

export interface MeteredRun {
  finished: Finished;
  /** CPU time of the generator process and the children it reaped, µs. */
  cpuUs: number;
  /** Share of one core the target worker used during the run. */
  targetCpu: number;
  /** Share of one core that other processes used on the two benchmark cores. */
  otherCpu: number;
}

export async function meteredRun(
  line: { command: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string },
  targetPid: number,
  clockTicks: number,
  timeoutMs: number,
): Promise<MeteredRun> {
  const cores = [TARGET_CORE, GENERATOR_CORE];
  const cpuBefore = childrenCpuTicks();
  const targetBefore = processCpuTicks(targetPid);
  const coresBefore = coresBusyTicks(cores);
  const wallBefore = performance.now();
  const finished = await collect(start(line.command, line.args, { env: line.env, cwd: line.cwd }), timeoutMs);
  const wallS = (performance.now() - wallBefore) / 1000;
  const cpuTicks = childrenCpuTicks() - cpuBefore;
  const targetTicks = processCpuTicks(targetPid) - targetBefore;
  const otherTicks = Math.max(0, coresBusyTicks(cores) - coresBefore - cpuTicks - targetTicks);
  return {
    finished,
    cpuUs: (cpuTicks / clockTicks) * 1e6,
    targetCpu: targetTicks / clockTicks / wallS,
    otherCpu: otherTicks / clockTicks / wallS,
  };
}
