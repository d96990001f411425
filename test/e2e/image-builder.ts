import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Builds and runs OCI images with buildah, in a storage of the test's own (never the machine's image
// store), rootful with chroot isolation — it needs no daemon, and no user namespaces or cgroups of
// its own. `node:20-slim` cannot be pulled here (no registry), so the Dockerfile is built on a
// stand-in of it: Debian 12 from debootstrap, with this machine's Node 20 and npm and a `node` user
// of uid 1000, as in the official image.

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Why images cannot be built here, or undefined when they can. */
export function imageBuildUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (rootful buildah, debootstrap)';
  for (const tool of ['buildah', 'debootstrap']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} not installed (apt-get install buildah debootstrap)`;
  }
  if (!existsSync(npmOfThisNode())) return `no npm beside this node (${npmOfThisNode()})`;
  return undefined;
}

function npmOfThisNode(): string {
  return join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
}

export class Buildah {
  readonly #storage: string[];

  constructor(private readonly dir: string) {
    this.#storage = ['--root', join(dir, 'storage'), '--runroot', join(dir, 'runroot')];
  }

  /** `buildah <args>` on this storage; rejects when it outlives `timeoutMs`. */
  run(args: string[], timeoutMs = 120_000): Promise<Finished> {
    const child = spawn('buildah', [...this.#storage, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`buildah ${args.slice(0, 2).join(' ')} took over ${timeoutMs / 1000} s\n${stderr}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Like run, but a non-zero exit is an error carrying the output; resolves to stdout trimmed. */
  async must(args: string[], timeoutMs?: number): Promise<string> {
    const done = await this.run(args, timeoutMs);
    if (done.code !== 0) throw new Error(`buildah ${args.join(' ')} exited ${done.code}\n${done.stderr}${done.stdout}`);
    return done.stdout.trim();
  }

  /**
   * The stand-in for node:20-slim, named `name`: Debian 12 (minbase) with this node binary and its
   * npm in /usr/local, user and group `node` = 1000, and this machine's extra CA bundle (npm in the
   * build reaches the registry through the same proxy this machine does).
   */
  async nodeBase(name: string): Promise<void> {
    const rootfs = join(this.dir, 'rootfs');
    const mirror = process.env['LOADTEST_DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';
    await command('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], 300_000);
    copyFileSync(process.execPath, join(rootfs, 'usr/local/bin/node'));
    cpSync(npmOfThisNode(), join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true });
    await command('chroot', [rootfs, 'sh', '-c', 'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node']);
    const env = ['--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    const ca = process.env['NODE_EXTRA_CA_CERTS'];
    if (ca !== undefined && existsSync(ca)) {
      mkdirSync(dirname(join(rootfs, ca)), { recursive: true });
      copyFileSync(ca, join(rootfs, ca));
      env.push('--env', `NODE_EXTRA_CA_CERTS=${ca}`);
    }
    const container = await this.must(['from', 'scratch']);
    await this.must(['copy', container, rootfs, '/'], 300_000);
    await this.must(['config', ...env, '--cmd', 'node', container]);
    await this.must(['commit', '--quiet', '--rm', container, name], 300_000);
    rmSync(rootfs, { recursive: true, force: true });
  }

  /** Removes every container and image of this storage, and the storage itself. */
  async remove(): Promise<void> {
    await this.run(['rm', '--all']).catch(() => undefined);
    await this.run(['rmi', '--all', '--force']).catch(() => undefined);
    // Anything still mounted under the storage (a run killed mid-way) is unmounted before removal.
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((path) => path.startsWith(this.dir))
      .sort((a, b) => b.length - a.length);
    for (const path of mounts) spawnSync('umount', ['-l', path]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function command(program: string, args: string[], timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${program} ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
    });
  });
}
