// A real cgroup on this machine (root, writable v1 or v2 hierarchy; skipped otherwise, with the
// reason): a process spinning on one core under a 0.5-core quota is read as about half a core and
// as throttled. The cgroup is removed afterwards, also when an assertion fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCgroupCounters, type CgroupLocation } from '../../collectors/cgroup-counters.js';
import { sampleBetween } from '../../collectors/counters-to-sample.js';

const ROOT = '/sys/fs/cgroup';
const name = `loadtest-test-${process.pid}`;

function layout(): { location: CgroupLocation; dirs: string[]; limit: (dir: string) => void } | string {
  if (process.getuid?.() !== 0) return 'needs root';
  const writable = (p: string): boolean => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(join(ROOT, 'cgroup.controllers'))) {
    if (!writable(ROOT)) return 'cgroup v2 is read-only here';
    const dir = join(ROOT, name);
    return { location: { version: 2, dir }, dirs: [dir], limit: (d) => writeFileSync(join(d, 'cpu.max'), '50000 100000') };
  }
  const [cpu, cpuacct, memory] = ['cpu', 'cpuacct', 'memory'].map((c) => join(ROOT, c, name)) as [string, string, string];
  if (!['cpu', 'cpuacct', 'memory'].every((c) => writable(join(ROOT, c)))) return 'cgroup v1 controllers are not writable here';
  return { location: { version: 1, cpu, cpuacct, memory }, dirs: [...new Set([cpu, cpuacct, memory])], limit: (d) => d === cpu && writeFileSync(join(d, 'cpu.cfs_quota_us'), '50000') };
}

const found = layout();

test('a busy process under a 0.5-core quota reads as about half a core, throttled', { skip: typeof found === 'string' ? found : false }, async () => {
  const { location, dirs, limit } = found as Exclude<typeof found, string>;
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: 'ignore' });
  try {
    for (const d of dirs) {
      mkdirSync(d);
      limit(d);
      writeFileSync(join(d, 'cgroup.procs'), String(child.pid));
    }
    await new Promise((r) => setTimeout(r, 300));
    const first = { at: performance.now(), counters: readCgroupCounters(location) };
    await new Promise((r) => setTimeout(r, 1500));
    const second = { at: performance.now(), counters: readCgroupCounters(location) };
    const s = sampleBetween('burner', '0', first, second);
    assert.equal(s.limits.cpuCores, 0.5);
    assert.ok(s.cpuCores !== null && s.cpuCores > 0.3 && s.cpuCores < 0.6, `cpu ${s.cpuCores} cores under a 0.5 quota`);
    assert.ok((s.cpuThrottledPeriods ?? 0) > 0, 'throttled');
    assert.ok((s.workingSetBytes ?? 0) > 1_000_000, `working set ${s.workingSetBytes}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    for (const d of dirs) if (existsSync(d)) rmdirSync(d);
  }
  for (const d of dirs) assert.ok(!existsSync(d), `${d} removed`);
});
