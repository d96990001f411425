// Finding cgroups: mountinfo and /proc/<pid>/cgroup as the kernel writes them on v2, v1 (with
// cpu,cpuacct co-mounted), hybrid and containerised systems; then this test process's own cgroup
// on this machine, whatever its layout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupMounts, cgroupOfPath, cgroupOfPid, cgroupVersion, directoryOf, locationOf, parseMountinfo, parseProcCgroup, versionOf } from '../../collectors/cgroup-paths.js';
import { readCgroupCounters } from '../../collectors/cgroup-counters.js';

const V2_MOUNTINFO = `22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

// Debian 10 / CentOS 7 style: v1 owns the controllers, cpu and cpuacct share a hierarchy, and a
// controller-less cgroup2 is mounted for systemd (hybrid).
const V1_MOUNTINFO = `25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
32 25 0:29 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,net_cls,net_prio
33 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,pids
`;

// Inside a v1 Docker container without a cgroup namespace: each mount shows only the container's subtree.
const CONTAINER_MOUNTINFO = `1230 1200 0:99 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755
1234 1230 0:27 /docker/abc123 /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime master:14 - cgroup cgroup rw,cpu,cpuacct
1235 1230 0:28 /docker/abc123 /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:15 - cgroup cgroup rw,memory
`;

const V1_PROC_CGROUP = `12:pids:/system.slice/nginx.service
11:memory:/system.slice/nginx.service
4:cpu,cpuacct:/system.slice/nginx.service
1:name=systemd:/system.slice/nginx.service
0::/system.slice/nginx.service
`;

const V2_PROC_CGROUP = `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod123.slice/cri-containerd-abc.scope
`;

test('mountinfo, v2: the unified mount, no v1 controllers, version 2', () => {
  const mounts = parseMountinfo(V2_MOUNTINFO);
  assert.deepEqual(mounts.unified, { mountPoint: '/sys/fs/cgroup', root: '/' });
  assert.equal(mounts.v1.size, 0);
  assert.equal(versionOf(mounts), 2);
});

test('mountinfo, v1 hybrid: controllers mounted together share a mount, named hierarchies are skipped, v1 wins', () => {
  const mounts = parseMountinfo(V1_MOUNTINFO);
  assert.equal(mounts.v1.get('cpu')?.mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
  assert.equal(mounts.v1.get('cpuacct')?.mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
  assert.equal(mounts.v1.get('memory')?.mountPoint, '/sys/fs/cgroup/memory');
  assert.equal(mounts.v1.get('net_prio')?.mountPoint, '/sys/fs/cgroup/net_cls,net_prio');
  assert.ok(!mounts.v1.has('xattr') && !mounts.v1.has('rw') && !mounts.v1.has('name=systemd'));
  assert.equal(mounts.unified?.mountPoint, '/sys/fs/cgroup/unified', 'the controller-less v2 tree is seen');
  assert.equal(versionOf(mounts), 1, 'but v1 holds cpuacct, so v1 is read');
});

test('mountinfo: escaped characters in mount points; no cgroup at all is a clear error', () => {
  const mounts = parseMountinfo('40 22 0:40 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n');
  assert.equal(mounts.unified?.mountPoint, '/mnt/my cgroups');
  assert.throws(() => versionOf(parseMountinfo('22 1 252:1 / / rw - ext4 /dev/vda1 rw\n')), /no cgroup hierarchy is mounted/);
});

test('/proc/<pid>/cgroup: the v2 line and each v1 controller (co-mounted ones split)', () => {
  const v1 = parseProcCgroup(V1_PROC_CGROUP);
  assert.equal(v1.unified, '/system.slice/nginx.service');
  assert.equal(v1.v1.get('cpu'), '/system.slice/nginx.service');
  assert.equal(v1.v1.get('cpuacct'), '/system.slice/nginx.service');
  assert.equal(v1.v1.get('memory'), '/system.slice/nginx.service');
  assert.ok(!v1.v1.has('name=systemd'));
  const v2 = parseProcCgroup(V2_PROC_CGROUP);
  assert.equal(v2.unified, '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod123.slice/cri-containerd-abc.scope');
  assert.equal(v2.v1.size, 0);
  assert.equal(parseProcCgroup('0::/odd:name\n').unified, '/odd:name', 'a colon in the path is kept');
});

test('locations: v2 one directory; v1 one per controller, co-mounted ones in the same directory', () => {
  const v2 = parseProcCgroup(V2_PROC_CGROUP);
  assert.deepEqual(locationOf(parseMountinfo(V2_MOUNTINFO), { unified: v2.unified, v1: (c) => v2.v1.get(c) }), {
    version: 2,
    dir: '/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod123.slice/cri-containerd-abc.scope',
  });
  const v1 = parseProcCgroup(V1_PROC_CGROUP);
  assert.deepEqual(locationOf(parseMountinfo(V1_MOUNTINFO), { unified: v1.unified, v1: (c) => v1.v1.get(c) }), {
    version: 1,
    cpu: '/sys/fs/cgroup/cpu,cpuacct/system.slice/nginx.service',
    cpuacct: '/sys/fs/cgroup/cpu,cpuacct/system.slice/nginx.service',
    memory: '/sys/fs/cgroup/memory/system.slice/nginx.service',
  });
  const noMemory = parseMountinfo(V1_MOUNTINFO.split('\n').filter((l) => !l.includes('rw,memory')).join('\n'));
  assert.throws(() => locationOf(noMemory, { unified: null, v1: () => '/x' }), /the memory controller is not mounted/);
});

test('a mount showing a subtree (container): hierarchy paths inside it are found relative to it', () => {
  const mounts = parseMountinfo(CONTAINER_MOUNTINFO);
  const cpu = mounts.v1.get('cpu');
  assert.ok(cpu !== undefined);
  assert.equal(directoryOf(cpu, '/docker/abc123'), '/sys/fs/cgroup/cpu,cpuacct');
  assert.equal(directoryOf(cpu, '/docker/abc123/worker'), '/sys/fs/cgroup/cpu,cpuacct/worker');
  assert.equal(directoryOf(cpu, '/docker/abc1234'), '/sys/fs/cgroup/cpu,cpuacct/docker/abc1234', 'a sibling whose name starts alike is not inside');
});

test('this machine: the test process’s own cgroup is found and holds this pid', () => {
  const mounts = cgroupMounts();
  const version = cgroupVersion(mounts);
  const location = cgroupOfPid(process.pid, mounts);
  assert.equal(location.version, version);
  const dirs = location.version === 2 ? [location.dir] : [location.cpu, location.cpuacct, location.memory];
  for (const dir of dirs) {
    const procs = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n');
    assert.ok(procs.includes(String(process.pid)), `${dir}/cgroup.procs lists pid ${process.pid}`);
  }
  assert.ok(readCgroupCounters(location).cpuUsageNs > 0, 'its CPU counter is readable and has counted something');
  // The same cgroup by path, where all controllers agree on the path (v2, or v1 with one path).
  const own = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  const path = version === 2 ? own.unified : own.v1.get('cpuacct');
  if (path !== null && path !== undefined && (version === 2 || (own.v1.get('cpu') === path && own.v1.get('memory') === path))) {
    assert.deepEqual(cgroupOfPath(path, mounts), location);
  }
});

test('this machine: a cgroup that does not exist, or a pid that does not, is a clear error', () => {
  const missing = `/loadtest-test-${process.pid}-absent/x`;
  assert.throws(() => cgroupOfPath(missing), (e: Error) => e.message.startsWith(`cgroup ${missing}: not found under /`));
  assert.throws(() => cgroupOfPid(2 ** 22 + 1), /pid 4194305: no such process/);
});
