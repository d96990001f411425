// Everything a run watches and does beside sending load: the resource collectors (every launched
// target automatically, plus the scenario's `collect:` sources), the generator's own machine, and
// the fault timeline. Started together on the run's clock, stopped together before the targets go.
import { generatorSaturated, HostSampler } from '../collectors/host.js';
import { Sampler } from '../collectors/sampler.js';
import type { LaunchedEnvironment } from '../fixtures/launcher/environment.js';
import { hostRecord, resourceRecord } from './collection/resource-records.js';
import { sourcesFor } from './collection/sources-for.js';
import type { Scenario } from './model.js';
import { FaultTimeline } from './faults/fault-timeline.js';
import type { Recorder } from './results/recorder.js';
import type { RunClock } from './results/run-clock.js';

export interface Observation {
  stop(): Promise<void>;
  /** Synchronous: timers off, nothing awaited (a second Ctrl-C). */
  stopNow(): void;
}

/**
 * `sampleTargets` false (every worker of a segmented run but the first): the targets' resources are
 * sampled by one worker only, or the merged stream would hold each sample N times; the host and
 * the generator are still sampled, since each worker is its own process and machine.
 */
export function startObservation(scenario: Scenario, environment: LaunchedEnvironment | undefined, recorder: Recorder, clock: RunClock, sampleTargets = true): Observation {
  const { collect, faults } = scenario.environment;
  const nowMs = (): number => clock.nowS() * 1000;
  const host = new HostSampler();
  let lastCpu = process.cpuUsage();
  let lastHostMs: number | undefined;
  const sampler = new Sampler({
    sources: sampleTargets ? sourcesFor(collect.sources, environment, collect.intervalMs) : [],
    intervalMs: collect.intervalMs,
    nowMs,
    onSamples: (source, samples, intervalMs) => recorder.append(samples.map((s) => resourceRecord(s, sourceKind(source.name), intervalMs))),
    onError: (source, message) => recorder.event('warning', message, `collector ${source.name}`),
    onRecovered: (source, failed) => recorder.event('info', `answering again after ${failed} failed poll(s)`, `collector ${source.name}`),
    onTick: async (now) => {
      const sample = await host.sample(now);
      const intervalMs = lastHostMs === undefined ? collect.intervalMs : now - lastHostMs;
      lastHostMs = now;
      const cpu = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      const generatorCores = (cpu.user + cpu.system) / 1000 / Math.max(1, intervalMs);
      recorder.append([hostRecord(sample, intervalMs, generatorSaturated(sample, generatorCores))]);
    },
  });
  const timeline = environment === undefined ? undefined : new FaultTimeline(faults, environment.targets, recorder, nowMs);
  sampler.start();
  timeline?.start();
  return {
    async stop() {
      await timeline?.stop();
      await sampler.stop();
    },
    stopNow() {
      void sampler.stop();
    },
  };
}

/** "cgroup (kv)" → "cgroup": sources name themselves by kind and what they watch. */
function sourceKind(name: string): string {
  return name.split(' ')[0] ?? name;
}
