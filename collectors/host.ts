// The load generator's own machine: is it the bottleneck? A run whose generator was saturated
// measured the generator, not the target, and the report must say so. Not a ResourceSource: it
// describes the machine, not a target's replicas.
//
// What each reading costs matters, because it runs on the generator's one event loop every
// second. Measured with systeminformation 5.33 on Linux (per call, averaged, calls 300 ms apart):
//   si.currentLoad   ~1.5 ms own CPU + ~3 ms in a child: it runs `cat /proc/stat | grep cpu`
//                    through execSync, blocking the event loop for the whole ~4 ms
//   si.networkStats  ~3 ms own CPU + ~9 ms in children (a shell per interface)
//   si.fsStats       ~2 ms own CPU + ~4 ms in children (lsblk, cat /proc/diskstats)
//   si.disksIO       ~1 ms own CPU + ~7 ms in children
//   si.mem           ~0.7 ms own CPU, no child (it reads /proc/meminfo itself)
//   reading /proc/stat, /proc/net/dev, /proc/diskstats directly: ~0.2 ms together.
// So si.mem is used (cheap, and portable), and CPU, network and disk counters are read from
// /proc here: the same numbers, without spawning processes or blocking the loop. Where /proc is
// missing (not Linux), CPU falls back to os.cpus() and network and disk are null. One whole
// sample then costs about 0.6–1 ms of CPU (process.cpuUsage around 30 samples, averaged), most of
// it in si.mem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';

export interface HostSample {
  /** ms on the run clock. */
  time: number;
  /** Share of all cores busy over the interval, 0..1 (null on the first sample if no tick has passed). */
  cpuBusy: number | null;
  perCoreBusy: number[];
  load1: number | null;
  /** total − available: what the machine could not hand out without reclaiming. */
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  /** Over all interfaces but loopback; null on the first sample (no interval yet) and where unknown. */
  netRxBytesPerSecond: number | null;
  netTxBytesPerSecond: number | null;
  /** Over the physical disks (not partitions, loop or device-mapper devices, which would count twice). */
  diskReadBytesPerSecond: number | null;
  diskWriteBytesPerSecond: number | null;
}

/** Busy and total time of one CPU (or all), in any unit: only ratios of growth are used. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * /proc/stat `cpu` lines: user nice system idle iowait irq softirq steal [guest guest_nice].
 * Busy is everything but idle and iowait; guest time is already inside user, so it is not added.
 */
export function parseProcStatCpu(text: string): { all: CpuTimes; cores: CpuTimes[] } | null {
  let all: CpuTimes | null = null;
  const cores: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (match[2] ?? '').trim().split(/\s+/).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    const times = { busy, total: busy + idle + iowait };
    if (match[1] === '') all = times;
    else cores.push(times);
  }
  return all === null ? null : { all, cores };
}

/** /proc/net/dev → bytes received and sent, summed over every interface except loopback. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (name === 'lo' || fields.length < 9) continue;
    rx += fields[0] ?? 0;
    tx += fields[8] ?? 0;
  }
  return { rx, tx };
}

/** /proc/diskstats → bytes read and written by the named disks. Sectors there are always 512 bytes. */
export function parseDiskstats(text: string, disks: ReadonlySet<string>): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[2] === undefined || !disks.has(f[2])) continue;
    read += Number(f[5] ?? 0) * 512;
    written += Number(f[9] ?? 0) * 512;
  }
  return { read, written };
}

/** Whole physical disks: /sys/block entries backed by a device (loop, ram, zram, dm-* are not). */
function physicalDisks(): Set<string> {
  try {
    return new Set(readdirSync('/sys/block').filter((name) => existsSync(`/sys/block/${name}/device`)));
  } catch {
    return new Set();
  }
}

function readCpu(): { all: CpuTimes; cores: CpuTimes[] } | null {
  const text = readOrNull('/proc/stat');
  if (text !== null) return parseProcStatCpu(text);
  const cores = os.cpus().map(({ times: t }) => ({ busy: t.user + t.nice + t.sys + t.irq, total: t.user + t.nice + t.sys + t.irq + t.idle }));
  if (cores.length === 0) return null;
  return { all: cores.reduce((a, c) => ({ busy: a.busy + c.busy, total: a.total + c.total }), { busy: 0, total: 0 }), cores };
}

function busyBetween(a: CpuTimes | undefined, b: CpuTimes | undefined): number | null {
  if (a === undefined || b === undefined) return null;
  const total = b.total - a.total;
  return total > 0 ? Math.min(1, Math.max(0, (b.busy - a.busy) / total)) : null;
}

interface Counters {
  at: number;
  net: { rx: number; tx: number } | null;
  disk: { read: number; written: number } | null;
}

export class HostSampler {
  readonly #disks = physicalDisks();
  /** Taken at construction, so the first sample already has a CPU figure (CPU needs no clock, only tick counts). */
  #cpu = readCpu();
  #previous: Counters | null = null;

  async sample(nowMs: number): Promise<HostSample> {
    const cpu = readCpu();
    const netText = readOrNull('/proc/net/dev');
    const diskText = readOrNull('/proc/diskstats');
    const current: Counters = {
      at: nowMs,
      net: netText === null ? null : parseNetDev(netText),
      disk: diskText === null || this.#disks.size === 0 ? null : parseDiskstats(diskText, this.#disks),
    };
    const memory = await si.mem().catch(() => null);
    const previous = this.#previous;
    const seconds = previous === null ? 0 : (nowMs - previous.at) / 1000;
    const rate = (a: number | undefined, b: number | undefined): number | null =>
      a === undefined || b === undefined || seconds <= 0 ? null : Math.max(0, b - a) / seconds;
    const perCore: number[] = [];
    if (cpu !== null && this.#cpu !== null && cpu.cores.length === this.#cpu.cores.length) {
      for (let i = 0; i < cpu.cores.length; i++) perCore.push(busyBetween(this.#cpu.cores[i], cpu.cores[i]) ?? 0);
    }
    const sample: HostSample = {
      time: nowMs,
      cpuBusy: cpu === null || this.#cpu === null ? null : busyBetween(this.#cpu.all, cpu.all),
      perCoreBusy: perCore,
      load1: process.platform === 'win32' ? null : (os.loadavg()[0] ?? null),
      memoryUsedBytes: memory === null ? null : memory.total - memory.available,
      memoryTotalBytes: memory === null ? null : memory.total,
      netRxBytesPerSecond: rate(previous?.net?.rx, current.net?.rx),
      netTxBytesPerSecond: rate(previous?.net?.tx, current.net?.tx),
      diskReadBytesPerSecond: rate(previous?.disk?.read, current.disk?.read),
      diskWriteBytesPerSecond: rate(previous?.disk?.written, current.disk?.written),
    };
    this.#cpu = cpu;
    this.#previous = current;
    return sample;
  }
}

/** Where the generator's measurements stop being about the target. */
export const HOST_BUSY_LIMIT = 0.9;
/** The generator runs on one event loop: near one full core, it is sending late, not the target answering late. */
export const GENERATOR_CORE_LIMIT = 0.9;

/**
 * A reason when the load generator's machine or process was saturated during the sample's
 * interval, null otherwise. `generatorCpuCores`: the generator process's own CPU over the same
 * interval, in cores (null when unknown).
 */
export function generatorSaturated(sample: HostSample, generatorCpuCores: number | null): string | null {
  const reasons: string[] = [];
  if (sample.cpuBusy !== null && sample.cpuBusy >= HOST_BUSY_LIMIT) {
    reasons.push(`the generator's machine was ${(sample.cpuBusy * 100).toFixed(0)}% busy (limit ${HOST_BUSY_LIMIT * 100}%)`);
  }
  if (generatorCpuCores !== null && generatorCpuCores >= GENERATOR_CORE_LIMIT) {
    reasons.push(`the generator process used ${generatorCpuCores.toFixed(2)} of a core on its one event loop (limit ${GENERATOR_CORE_LIMIT})`);
  }
  return reasons.length === 0 ? null : `${reasons.join('; ')}: latencies include the generator's own queueing`;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
