// The host sampler: /proc/stat, /proc/net/dev and /proc/diskstats as the kernel writes them; the
// saturation verdict; then real samples of this machine, and what one sample costs the
// generator's event loop in CPU.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { generatorSaturated, HostSampler, parseDiskstats, parseNetDev, parseProcStatCpu, type HostSample } from '../../collectors/host.js';

test('/proc/stat: busy excludes idle and iowait, guest is not counted twice; one entry per core', () => {
  const parsed = parseProcStatCpu(`cpu  1006180 52396 184776 1918300 4741 0 67219 424 100 0
cpu0 466279 25340 91055 1001442 1575 0 28966 226 50 0
cpu1 539900 27056 93720 916858 3165 0 38253 198 50 0
intr 123 0 0
ctxt 999
`);
  assert.ok(parsed !== null);
  assert.deepEqual(parsed.all, { busy: 1006180 + 52396 + 184776 + 67219 + 424, total: 1006180 + 52396 + 184776 + 67219 + 424 + 1918300 + 4741 });
  assert.equal(parsed.cores.length, 2);
  assert.equal(parsed.cores[1]?.busy, 539900 + 27056 + 93720 + 38253 + 198);
  assert.equal(parseProcStatCpu('intr 1\n'), null);
});

test('/proc/net/dev sums every interface but loopback; /proc/diskstats only the named disks, in bytes', () => {
  const net = parseNetDev(`Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 38000274357 213643135    0    0    0     0          0         0 38000274357 213643135    0    0    0     0       0          0
  eth0: 913795274   29880    0    0    0     0          0         0  3258026   21847    0    0    0     0       0          0
  eth1:      1000      10    0    0    0     0          0         0      500       5    0    0    0     0       0          0
`);
  assert.deepEqual(net, { rx: 913795274 + 1000, tx: 3258026 + 500 });
  const disk = parseDiskstats(
    `   7       0 loop0 10 0 80 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 253       0 vda 30000 100 2000000 9000 40000 500 3000000 20000 0 30000 29000 0 0 0 0 0 0
 253       1 vda1 29000 100 1900000 8900 39000 500 2900000 19900 0 29000 28800 0 0 0 0 0 0
`,
    new Set(['vda']),
  );
  assert.deepEqual(disk, { read: 2000000 * 512, written: 3000000 * 512 }, 'the partition and the loop device are not added');
});

const sample = (cpuBusy: number | null): HostSample => ({
  time: 0,
  cpuBusy,
  perCoreBusy: [],
  load1: null,
  memoryUsedBytes: null,
  memoryTotalBytes: null,
  netRxBytesPerSecond: null,
  netTxBytesPerSecond: null,
  diskReadBytesPerSecond: null,
  diskWriteBytesPerSecond: null,
});

test('saturation: a busy host or a generator near one full core is named; otherwise null', () => {
  assert.equal(generatorSaturated(sample(0.5), 0.3), null);
  assert.equal(generatorSaturated(sample(null), null), null);
  assert.match(generatorSaturated(sample(0.95), 0.3) ?? '', /machine was 95% busy/);
  assert.match(generatorSaturated(sample(0.2), 0.93) ?? '', /generator process used 0\.93 of a core/);
  const both = generatorSaturated(sample(0.9), 0.9) ?? '';
  assert.ok(both.includes('90% busy') && both.includes('0.90 of a core'), both);
});

test('this machine: samples have sane values; the first has CPU, the second rates too', async () => {
  const sampler = new HostSampler();
  await new Promise((r) => setTimeout(r, 200));
  const first = await sampler.sample(1000);
  assert.equal(first.time, 1000);
  assert.ok(first.cpuBusy !== null && first.cpuBusy >= 0 && first.cpuBusy <= 1, `cpuBusy ${first.cpuBusy}`);
  assert.equal(first.perCoreBusy.length, os.availableParallelism());
  for (const core of first.perCoreBusy) assert.ok(core >= 0 && core <= 1);
  assert.ok((first.memoryTotalBytes ?? 0) > 0);
  assert.ok((first.memoryUsedBytes ?? -1) > 0 && (first.memoryUsedBytes ?? 0) < (first.memoryTotalBytes ?? 0));
  assert.ok(first.load1 !== null && first.load1 >= 0);
  assert.equal(first.netRxBytesPerSecond, null, 'no interval yet');
  await new Promise((r) => setTimeout(r, 300));
  const second = await sampler.sample(1300);
  for (const rate of [second.netRxBytesPerSecond, second.netTxBytesPerSecond]) assert.ok(rate !== null && rate >= 0, `network rate ${rate}`);
  // A machine without a physical disk (some containers) has no disk figures; otherwise they are rates.
  for (const rate of [second.diskReadBytesPerSecond, second.diskWriteBytesPerSecond]) assert.ok(rate === null || rate >= 0, `disk rate ${rate}`);
});

test('this machine: one sample costs little of the event loop (measured over 30 samples)', async () => {
  const sampler = new HostSampler();
  let cpuMicros = 0;
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const before = process.cpuUsage();
    await sampler.sample(i * 20);
    const used = process.cpuUsage(before);
    cpuMicros += used.user + used.system;
  }
  const perSampleMs = cpuMicros / 30 / 1000;
  console.log(`host sample: ${perSampleMs.toFixed(3)} ms of CPU per sample (average of 30)`);
  // Generous: a sample taken once a second must stay far below 1% of a core.
  assert.ok(perSampleMs < 5, `${perSampleMs} ms of CPU per host sample`);
});
