// Polls resource sources on the run's clock. Ticks fall on fixed multiples of the interval from the
// run's start (a late timer shortens the next interval instead of shifting every later one), all
// sources are read in parallel, and a source still busy with its last poll (a slow remote API)
// skips a tick rather than piling requests up. A failing source is reported once per distinct
// error, not once per second, and again when it recovers: an event stream that repeats one
// message a thousand times hides everything else.
import type { ResourceSample } from './resource-sample.js';
import type { ResourceSource } from './resource-source.js';

export interface SamplerOptions {
  sources: readonly ResourceSource[];
  intervalMs: number;
  /** The run clock, ms since the run started. */
  nowMs: () => number;
  onSamples: (source: ResourceSource, samples: ResourceSample[], intervalMs: number) => void;
  onError: (source: ResourceSource, message: string) => void;
  /** Called for a source that answers again after failing. */
  onRecovered?: (source: ResourceSource, failedPolls: number) => void;
  /** Extra work on every tick (the host sample). */
  onTick?: (nowMs: number) => Promise<void>;
}

interface SourceState {
  busy: boolean;
  lastPollMs: number | undefined;
  reported: Set<string>;
  failedPolls: number;
}

export class Sampler {
  readonly #options: SamplerOptions;
  readonly #states = new Map<ResourceSource, SourceState>();
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;
  #stopped = false;
  #inFlight = new Set<Promise<void>>();

  constructor(options: SamplerOptions) {
    this.#options = options;
    for (const source of options.sources) this.#states.set(source, { busy: false, lastPollMs: undefined, reported: new Set(), failedPolls: 0 });
  }

  /** Takes the first reading now (rates need two) and then one per interval. */
  start(): void {
    this.#tick();
  }

  /** Stops polling, waits for polls in flight, takes one last reading so the tail of the run is covered, and closes the sources. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await Promise.all(this.#inFlight);
    await this.#pollAll();
    for (const source of this.#options.sources) await source.close?.();
  }

  #tick(): void {
    const poll = this.#pollAll();
    this.#inFlight.add(poll);
    void poll.finally(() => this.#inFlight.delete(poll));
    if (this.#stopped) return;
    this.#ticks++;
    const delay = Math.max(0, this.#ticks * this.#options.intervalMs - this.#options.nowMs());
    this.#timer = setTimeout(() => this.#tick(), delay);
  }

  async #pollAll(): Promise<void> {
    const now = this.#options.nowMs();
    const polls: Array<Promise<void>> = [...this.#states].map(([source, state]) => this.#poll(source, state, now));
    if (this.#options.onTick !== undefined) polls.push(this.#options.onTick(now).catch(() => undefined));
    await Promise.all(polls);
  }

  async #poll(source: ResourceSource, state: SourceState, now: number): Promise<void> {
    if (state.busy) return;
    state.busy = true;
    try {
      const { samples, errors } = await source.collect(now).catch((error: unknown) => ({ samples: [], errors: [`${(error as Error).message ?? String(error)}`] }));
      const intervalMs = state.lastPollMs === undefined ? this.#options.intervalMs : now - state.lastPollMs;
      state.lastPollMs = now;
      if (samples.length > 0) this.#options.onSamples(source, samples, intervalMs);
      if (errors.length === 0) {
        if (state.failedPolls > 0) this.#options.onRecovered?.(source, state.failedPolls);
        state.failedPolls = 0;
        state.reported.clear();
        return;
      }
      state.failedPolls++;
      for (const message of errors) {
        if (state.reported.has(message)) continue;
        state.reported.add(message);
        this.#options.onError(source, message);
      }
    } finally {
      state.busy = false;
    }
  }
}
