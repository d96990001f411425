// The /proc source: parsing stat and status as the kernel writes them; the interval arithmetic
// for trees whose children come and go (reaped, lost, short-lived, reused pids); then real
// processes on this machine: a duty-cycle burner with a burning child of its own, read with and
// without children; a child that burns and exits between two readings; a pid that exits mid-run.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { cpuTicksBetween, ProcessSource, type TreeProcess } from '../../collectors/process.js';
import { clockTicksPerSecond, parseChildren, parseStat, parseStatusRssBytes, readProcessTree } from '../../collectors/proc-stat.js';

const CAT_STAT = '11595 (cat) R 11584 11584 10842 0 -1 4194304 99 0 0 0 7 3 2 1 20 0 1 0 1620390 3133440 407 18446744073709551615 94613069488128 94613069508009 140726868176016 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94613069524016 94613069525632 94613317808128 140726868183573 140726868183593 140726868183593 140726868185067 0\n';

test('stat: pid, state, parent, CPU times (own and reaped children), start time', () => {
  assert.deepEqual(parseStat(CAT_STAT), { pid: 11595, comm: 'cat', state: 'R', ppid: 11584, utime: 7, stime: 3, cutime: 2, cstime: 1, startTime: 1620390 });
});

test('stat: a command name with spaces and parentheses does not shift the fields', () => {
  const s = parseStat(CAT_STAT.replace('(cat)', '(my (odd) name) x)'));
  assert.equal(s.comm, 'my (odd) name) x');
  assert.equal(s.ppid, 11584);
  assert.equal(s.utime, 7);
  assert.equal(s.startTime, 1620390);
  assert.throws(() => parseStat('garbage'), /not a \/proc\/<pid>\/stat line/);
});

test('status: VmRSS in bytes; absent (zombie, kernel thread) is null. children: a list of pids', () => {
  assert.equal(parseStatusRssBytes('Name:\tnode\nVmHWM:\t   51200 kB\nVmRSS:\t   48128 kB\nRssAnon:\t   30000 kB\n'), 48128 * 1024);
  assert.equal(parseStatusRssBytes('Name:\tkworker/0:1\nState:\tI (idle)\n'), null);
  assert.deepEqual(parseChildren('11654 11700 \n'), [11654, 11700]);
  assert.deepEqual(parseChildren(''), []);
});

const p = (parent: string | null, ownTicks: number, reapedTicks = 0): TreeProcess => ({ parent, ownTicks, reapedTicks });

test('tree CPU: live processes count their growth; a child reaped inside the tree counts its final interval only', () => {
  const before = new Map([['1@5', p(null, 100)], ['2@9', p('1@5', 50)]]);
  assert.equal(cpuTicksBetween(before, new Map([['1@5', p(null, 150)], ['2@9', p('1@5', 80)]])), 80);
  // Child 2 used 20 more ticks, exited and was reaped by 1: 1's reaped time grew by its whole 70.
  assert.equal(cpuTicksBetween(before, new Map([['1@5', p(null, 110, 70)]])), 10 + 20);
});

test('tree CPU: a child gone without being reaped in the tree is lost for its last interval, never negative', () => {
  const before = new Map([['1@5', p(null, 100)], ['2@9', p('1@5', 50)]]);
  assert.equal(cpuTicksBetween(before, new Map([['1@5', p(null, 110)]])), 10);
  assert.equal(cpuTicksBetween(before, new Map([['1@5', p(null, 100)]])), 0);
});

test('tree CPU: a child born and reaped between readings is counted through its parent; a reused pid is a new process', () => {
  const before = new Map([['1@5', p(null, 100, 10)]]);
  assert.equal(cpuTicksBetween(before, new Map([['1@5', p(null, 100, 40)]])), 30);
  // pid 2 exited unseen-reaped (lost) and an unrelated process took pid 2: counted from its start, not against the old one.
  const withChild = new Map([['1@5', p(null, 100)], ['2@9', p('1@5', 500)]]);
  assert.equal(cpuTicksBetween(withChild, new Map([['1@5', p(null, 100)], ['2@77', p('1@5', 3)]])), 3);
});

test('tree CPU: a whole subtree gone (grandchild reaped by child, child by root) counts its last interval exactly', () => {
  const before = new Map([['1@5', p(null, 100)], ['2@9', p('1@5', 20)], ['3@12', p('2@9', 30)]]);
  // Root +5; child +5 to 25; grandchild +5 to 35, reaped by child (reaped 35); child reaped by root: 25 + 35 = 60.
  assert.equal(cpuTicksBetween(before, new Map([['1@5', p(null, 105, 60)]])), 15);
});

test('clock ticks come from getconf (100 on Linux), not assumed', () => {
  const ticks = clockTicksPerSecond();
  assert.equal(ticks.assumed, null);
  assert.equal(ticks.perSecond, 100);
});

// ---- live processes ----

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Busy for 5 ms of its own CPU time every 20 ms (25% of a core: the machine has 2 cores, and
// other work runs too; counting CPU time rather than wall time keeps the share when it does). With
// "parent", it first starts a copy of itself as its own child. Every process ends within 30 s, or
// as soon as its parent is gone.
const DUTY_BURNER = `const { spawn } = require('node:child_process');
const end = Date.now() + 30000;
const parent = process.ppid;
const burn = () => setInterval(() => {
  const t = process.cpuUsage();
  for (let used = 0; used < 5000; ) { const d = process.cpuUsage(t); used = d.user + d.system; }
  if (Date.now() > end || process.ppid !== parent) process.exit(0);
}, 20);
if (process.argv[1] === 'parent') {
  const leaf = spawn(process.execPath, ['-e', process.env.SCRIPT, 'leaf'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  leaf.stdout.once('data', () => { process.stdout.write('ready ' + leaf.pid + '\\n'); burn(); });
} else {
  process.stdout.write('ready\\n');
  burn();
}`;

// Idle; after 300 ms starts a child that uses 0.4 s of CPU (by its own CPU clock, so contention
// cannot shorten it) and exits; says "reaped" once it has waited for it.
const SPAWNER = `const { spawn } = require('node:child_process');
process.stdout.write('ready\\n');
setTimeout(() => {
  const c = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user + process.cpuUsage().system < 400000) {}'], { stdio: 'ignore' });
  c.on('exit', () => process.stdout.write('reaped\\n'));
}, 300);
setTimeout(() => process.exit(0), 30000);`;

function start(script: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SCRIPT: script } });
}

function line(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid}: no line matching ${pattern} within 10 s (got ${JSON.stringify(text)})`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

async function stop(pids: Array<number | undefined>, children: ChildProcess[]): Promise<void> {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  // Grandchildren are not ours to wait for, but we started them: kill them by pid too.
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

test('live: a burner and its own burning child, with and without children; a pid that exits mid-run', async () => {
  const burner = start(DUTY_BURNER, ['parent']);
  const sleeper = start("process.stdout.write('ready\\n'); setTimeout(() => {}, 30000);");
  let leafPid: number | undefined;
  try {
    leafPid = Number((await line(burner, /ready (\d+)/))[1]);
    await line(sleeper, /ready/);
    const tree = readProcessTree(burner.pid as number, true);
    assert.deepEqual([...(tree?.keys() ?? [])].sort(), [burner.pid, leafPid].sort(), 'the tree is the burner and its child');

    const withChildren = new ProcessSource({
      target: 'burners',
      children: true,
      replicas: () => [
        { replica: 'a', pid: burner.pid as number },
        { replica: 'gone', pid: sleeper.pid as number },
      ],
    });
    const alone = new ProcessSource({ target: 'burners', children: false, replicas: () => [{ replica: 'a', pid: burner.pid as number }] });
    await sleep(300);
    assert.deepEqual(await withChildren.collect(performance.now()), { samples: [], errors: [] }, 'first reading: nothing to pair with');
    await alone.collect(performance.now());

    const exited = new Promise((r) => sleeper.once('exit', r));
    sleeper.kill('SIGKILL');
    await exited;
    await sleep(3000);

    const both = await withChildren.collect(performance.now());
    const own = await alone.collect(performance.now());
    assert.deepEqual(both.errors, [`process (burners/gone): pid ${sleeper.pid} has exited`]);
    assert.deepEqual(own.errors, []);
    const [t] = both.samples;
    const [o] = own.samples;
    assert.ok(t !== undefined && o !== undefined && t.replica === 'a' && both.samples.length === 1);
    console.log(`burner alone ${o.cpuCores?.toFixed(3)} cores (expected 0.25), with its child ${t.cpuCores?.toFixed(3)} cores (expected 0.5); RSS ${(((o.rssBytes ?? 0) / 2 ** 20)).toFixed(1)} / ${(((t.rssBytes ?? 0) / 2 ** 20)).toFixed(1)} MiB`);
    assert.ok(o.cpuCores !== null && o.cpuCores >= 0.15 && o.cpuCores <= 0.35, `alone: ${o.cpuCores} cores at a 25% duty cycle`);
    assert.ok(t.cpuCores !== null && t.cpuCores >= 0.3 && t.cpuCores <= 0.7, `with child: ${t.cpuCores} cores for two at a 25% duty cycle`);
    const ratio = t.cpuCores / o.cpuCores;
    assert.ok(ratio >= 1.6 && ratio <= 2.4, `the child adds as much as the burner itself: ${t.cpuCores} vs ${o.cpuCores} cores`);
    assert.ok((t.rssBytes ?? 0) > (o.rssBytes ?? 0) + 10 * 2 ** 20, 'the child (a whole node process) adds its RSS');
    assert.equal(t.workingSetBytes, t.rssBytes);
    assert.equal(t.cpuThrottledSeconds, null);
    assert.deepEqual(t.limits, { cpuCores: null, memoryBytes: null });

    // Still gone next time: again an error, and no sample from a stale reading.
    const again = await withChildren.collect(performance.now());
    assert.deepEqual(again.errors, [`process (burners/gone): pid ${sleeper.pid} has exited`]);
    assert.equal(again.samples.length, 1);
  } finally {
    await stop([leafPid], [burner, sleeper]);
  }
});

test('live: a child that burns 0.4 s and exits between two readings is counted, through its parent', async () => {
  const spawner = start(SPAWNER);
  try {
    await line(spawner, /ready/);
    const reaped = line(spawner, /reaped/);
    const source = new ProcessSource({ target: 'spawner', children: true, replicas: () => [{ replica: '1', pid: spawner.pid as number }] });
    const started = performance.now();
    await source.collect(started);
    await reaped;
    const ended = performance.now();
    const { samples, errors } = await source.collect(ended);
    assert.deepEqual(errors, []);
    const cpuSeconds = (samples[0]?.cpuCores ?? 0) * ((ended - started) / 1000);
    console.log(`short-lived child: ${cpuSeconds.toFixed(3)} CPU seconds counted (it used ≥ 0.4; stat times truncate to 10 ms ticks)`);
    assert.ok(cpuSeconds >= 0.37 && cpuSeconds <= 1.5, `${cpuSeconds} CPU seconds counted for a child that used 0.4 s and exited`);
  } finally {
    await stop([], [spawner]);
  }
});
