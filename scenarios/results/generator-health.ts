import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';

const SAMPLING_MS = 10;

// Samples the load generator itself once per interval. If the generator's event loop is late or
// its CPU is pegged, latencies it reports include its own delays; reports flag that.
export class GeneratorHealth {
  #loopDelay: IntervalHistogram;
  #lastCpu = process.cpuUsage();

  constructor() {
    this.#loopDelay = monitorEventLoopDelay({ resolution: SAMPLING_MS });
    this.#loopDelay.enable();
  }

  sample(): { rssBytes: number; heapUsedBytes: number; cpuUs: number; eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number } {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage(this.#lastCpu);
    this.#lastCpu = process.cpuUsage();
    const delay = this.#loopDelay;
    const sample = {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuUs: cpu.user + cpu.system,
      eventLoopDelayP99Ms: delay.count > 0 ? lateness(delay.percentile(99)) : 0,
      eventLoopDelayMaxMs: delay.count > 0 ? lateness(delay.max) : 0,
    };
    delay.reset();
    return sample;
  }

  stop(): void {
    this.#loopDelay.disable();
  }
}

/** The monitor records the whole time between its samples; the delay is what exceeds the period. */
function lateness(sampleNs: number): number {
  return Math.max(0, Math.round((sampleNs / 1e6 - SAMPLING_MS) * 100) / 100);
}
