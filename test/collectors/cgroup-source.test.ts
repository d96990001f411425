// The cgroup source: pairing readings per replica (first reading → no sample), the run clock as
// the interval, an unreadable cgroup as an error string that spares the other replicas — first
// on counter files in a temp directory laid out as a v2 cgroup, then on real cgroups created on
// this machine (root and a writable hierarchy; skipped otherwise, with the reason): a burner under
// a 0.25-core quota holding 64 MiB, next to one holding nothing, which gives the baseline.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CgroupLocation } from '../../collectors/cgroup-counters.js';
import { cgroupMounts, cgroupOfPath, cgroupVersion } from '../../collectors/cgroup-paths.js';
import { CgroupSource } from '../../collectors/cgroup.js';

function writeV2Counters(dir: string, usageUsec: number, memoryCurrent: number): void {
  writeFileSync(join(dir, 'cpu.stat'), `usage_usec ${usageUsec}\nuser_usec ${usageUsec}\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`);
  writeFileSync(join(dir, 'cpu.max'), 'max 100000\n');
  writeFileSync(join(dir, 'memory.current'), `${memoryCurrent}\n`);
  writeFileSync(join(dir, 'memory.stat'), 'anon 1000\nfile 0\ninactive_file 0\n');
}

test('readings are paired per replica on the run clock; an unreadable cgroup is an error naming it, the others are sampled', async () => {
  const root = mkdtempSync(join(tmpdir(), 'loadtest-cgroup-source-'));
  try {
    const a = join(root, 'a');
    const b = join(root, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeV2Counters(a, 1_000_000, 5000);
    writeV2Counters(b, 0, 7000);
    let listed: Array<{ replica: string; location: CgroupLocation }> = [
      { replica: 'a', location: { version: 2, dir: a } },
      { replica: 'b', location: { version: 2, dir: b } },
    ];
    const source = new CgroupSource({ target: 'kv', replicas: () => listed });
    assert.equal(source.name, 'cgroup (kv)');
    assert.deepEqual(await source.collect(10_000), { samples: [], errors: [] }, 'first reading: nothing to pair with');

    writeV2Counters(a, 2_000_000, 6000); // 1 s of CPU in 2 s
    rmSync(b, { recursive: true });
    const second = await source.collect(12_000);
    assert.equal(second.samples.length, 1);
    const [s] = second.samples;
    assert.equal(s?.replica, 'a');
    assert.equal(s?.target, 'kv');
    assert.equal(s?.time, 12_000);
    assert.equal(s?.cpuCores, 0.5);
    assert.equal(s?.workingSetBytes, 6000);
    assert.equal(second.errors.length, 1);
    assert.match(second.errors[0] ?? '', /^cgroup \(kv\/b\): cannot read .*\/b: .*\/b\/cpu\.stat does not exist/);

    // b comes back (a new cgroup): its first reading again, not paired with the one before it vanished.
    mkdirSync(b);
    writeV2Counters(b, 50_000_000, 7000);
    const third = await source.collect(13_000);
    assert.deepEqual(third.samples.map((x) => x.replica), ['a']);
    assert.equal(third.errors.length, 0);

    // A replica no longer listed is forgotten: listed again later, it starts afresh.
    listed = [listed[1] as (typeof listed)[number]];
    assert.equal((await source.collect(14_000)).samples.length, 1);
    listed = [{ replica: 'a', location: { version: 2, dir: a } }];
    assert.deepEqual(await source.collect(15_000), { samples: [], errors: [] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// ---- live: real cgroups on this machine ----

interface LiveCgroup {
  relative: string;
  dirs: string[];
  limitCpu: () => void;
}

function liveSetup(): { make: (suffix: string) => LiveCgroup } | string {
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  let mounts;
  try {
    mounts = cgroupMounts();
    cgroupVersion(mounts);
  } catch (error) {
    return `no usable cgroup hierarchy: ${(error as Error).message}`;
  }
  const writable = (p: string): boolean => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (cgroupVersion(mounts) === 2) {
    const top = mounts.unified?.mountPoint as string;
    if (!writable(top)) return `cgroup v2 at ${top} is read-only here`;
    const enabled = readFileSync(join(top, 'cgroup.subtree_control'), 'utf8');
    if (!/\bcpu\b/.test(enabled) || !/\bmemory\b/.test(enabled)) {
      try {
        writeFileSync(join(top, 'cgroup.subtree_control'), '+cpu +memory');
      } catch (error) {
        return `cannot enable the cpu and memory controllers under ${top}: ${(error as Error).message}`;
      }
    }
    return {
      make: (suffix) => {
        const relative = `/loadtest-test-${process.pid}-${suffix}`;
        const dir = join(top, relative);
        return { relative, dirs: [dir], limitCpu: () => writeFileSync(join(dir, 'cpu.max'), '25000 100000') };
      },
    };
  }
  const tops = ['cpu', 'cpuacct', 'memory'].map((c) => mounts.v1.get(c)?.mountPoint as string);
  const readOnly = tops.filter((t) => !writable(t));
  if (readOnly.length > 0) return `cgroup v1 hierarchies are read-only here: ${readOnly.join(', ')}`;
  return {
    make: (suffix) => {
      const relative = `/loadtest-test-${process.pid}-${suffix}`;
      const cpuDir = join(tops[0] as string, relative);
      return { relative, dirs: [...new Set(tops.map((t) => join(t, relative)))], limitCpu: () => writeFileSync(join(cpuDir, 'cpu.cfs_quota_us'), '25000') };
    },
  };
}

const live = liveSetup();

// Spins for at most 20 s, holding 64 MiB (touched, so resident) when ALLOC is set.
const BURNER = `const keep = process.env.ALLOC === '1' ? Buffer.alloc(64 << 20, 1) : null;
process.stdout.write('ready\\n');
const end = Date.now() + 20000;
while (Date.now() < end) { if (keep !== null) keep[0]++; }`;

/** Starts the burner already inside the cgroup (a shell joins it, then execs node), so all of its memory is charged there. */
function startInCgroup(cgroup: LiveCgroup, alloc: boolean): ChildProcess {
  return spawn('/bin/sh', ['-c', 'for d in "$@"; do echo $$ > "$d/cgroup.procs" || exit 97; done; exec "$NODE" -e "$SCRIPT"', 'sh', ...cgroup.dirs], {
    env: { ...process.env, NODE: process.execPath, SCRIPT: BURNER, ALLOC: alloc ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid}: not ready after 10 s`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pid ${child.pid} exited (${code}) before it was ready`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function removeCgroup(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    // A cgroup whose last task has just been reaped can still be busy for a moment.
    for (let attempt = 0; existsSync(dir) && attempt < 50; attempt++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('live: a burner under a 0.25-core quota reads 0.2–0.3 cores; 64 MiB held reads as 64 MiB over the baseline', { skip: typeof live === 'string' ? live : false }, async () => {
  const setup = live as Exclude<typeof live, string>;
  const groups = { baseline: setup.make('baseline'), alloc: setup.make('alloc') };
  const children: ChildProcess[] = [];
  try {
    for (const group of Object.values(groups)) {
      for (const dir of group.dirs) mkdirSync(dir);
      group.limitCpu();
    }
    const baseline = startInCgroup(groups.baseline, false);
    const alloc = startInCgroup(groups.alloc, true);
    children.push(baseline, alloc);
    await Promise.all([ready(baseline), ready(alloc)]);
    await sleep(500);
    const source = new CgroupSource({
      target: 'burner',
      replicas: () => [
        { replica: 'baseline', location: cgroupOfPath(groups.baseline.relative) },
        { replica: 'alloc', location: cgroupOfPath(groups.alloc.relative) },
      ],
    });
    assert.deepEqual(await source.collect(performance.now()), { samples: [], errors: [] });
    await sleep(2000);
    const { samples, errors } = await source.collect(performance.now());
    assert.deepEqual(errors, []);
    const byReplica = new Map(samples.map((s) => [s.replica, s]));
    const base = byReplica.get('baseline');
    const held = byReplica.get('alloc');
    assert.ok(base !== undefined && held !== undefined, 'both replicas sampled');
    for (const s of [base, held]) {
      assert.equal(s.limits.cpuCores, 0.25);
      assert.ok(s.cpuCores !== null && s.cpuCores >= 0.2 && s.cpuCores <= 0.3, `${s.replica}: ${s.cpuCores} cores under a 0.25 quota`);
      assert.ok((s.cpuThrottledPeriods ?? 0) > 0, `${s.replica}: throttled`);
    }
    const expected = (64 << 20) + (base.workingSetBytes ?? 0);
    const got = held.workingSetBytes ?? 0;
    console.log(`cpu: baseline ${base.cpuCores?.toFixed(3)} alloc ${held.cpuCores?.toFixed(3)} cores; working set: baseline ${((base.workingSetBytes ?? 0) / 2 ** 20).toFixed(1)} MiB, alloc ${(got / 2 ** 20).toFixed(1)} MiB, expected ${(expected / 2 ** 20).toFixed(1)} MiB (${(((got - expected) / expected) * 100).toFixed(1)}%)`);
    assert.ok(Math.abs(got - expected) <= 0.1 * expected, `working set ${got} bytes, expected ${expected} ± 10%`);
  } finally {
    for (const child of children) await stop(child);
    for (const group of Object.values(groups)) await removeCgroup(group.dirs);
  }
  for (const group of Object.values(groups)) for (const dir of group.dirs) assert.ok(!existsSync(dir), `${dir} removed`);
});
