import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from '../cli/k8s/manifest-checks.js';
import { byKind, workerArgsFor, workerPodFiles } from '../cli/k8s/pod-filesystem.js';
import { runCli } from '../helpers/cli.js';
import { Buildah, imageBuildUnavailable } from './image-builder.js';

// The shipped Dockerfile built for real, and the image it makes running what the generated
// Kubernetes Jobs run: each worker pod's exact command with its JOB_COMPLETION_INDEX, as uid 1000,
// the scenario mounted where the ConfigMap goes and one results folder shared as the claim is;
// then the gather Job's script (merge, report, gate) in the same image. What is not here: a
// cluster, so scheduling, the volume plugin and the kubelet's own substitution are out of reach.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASE = 'localhost/loadtest-e2e-node:20-slim';
const IMAGE = 'localhost/loadtest-e2e:test';
const skip = imageBuildUnavailable() ?? false;

describe('the loadtest image', { skip, timeout: 900_000 }, () => {
  let dir: string;
  let buildah: Buildah;
  let server: Server;
  let target: string;
  const seen: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-e2e-image-'));
    buildah = new Buildah(join(dir, 'buildah'));
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    // Also reached when a step above failed: no image, container or mount outlives the suite.
    await buildah?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds from the Dockerfile and runs the k8s worker pods\' commands as uid 1000, then the gather script', async () => {
    await buildah.nodeBase(BASE);
    await buildah.must(['bud', '--isolation', 'chroot', '--pull-never', '--build-arg', `NODE_IMAGE=${BASE}`, '--tag', IMAGE, '--file', join(ROOT, 'Dockerfile'), ROOT], 600_000);
    const config = JSON.parse(await buildah.must(['inspect', '--type', 'image', IMAGE])) as { OCIv1: { config: { User?: string; Entrypoint?: string[] } } };
    assert.equal(config.OCIv1.config.User, '1000:1000');
    assert.deepEqual(config.OCIv1.config.Entrypoint, ['node', '/app/dist/cli/main.js']);

    const scenario = join(dir, 'flows', 'checkout.yaml');
    mkdirSync(join(dir, 'data'), { recursive: true });
    mkdirSync(join(dir, 'flows'), { recursive: true });
    writeFileSync(join(dir, 'data', 'users.csv'), 'name\nalice\nbob\ncarol\n');
    writeFileSync(
      scenario,
      `name: image
target: ${target}
data: { users: { file: ../data/users.csv, order: sequential } }
flows: [ { name: buy, steps: [ { name: home, request: { url: "/{{iteration}}?u={{users.name}}" }, check: { status: 200 } } ] } ]
phases: [ { name: peak, executor: constant-arrival-rate, rate: 30, duration: 2s } ]
thresholds: [ "errors<1%" ]
`,
    );
    const parallelism = 2;
    const generated = await runCli(['k8s', scenario, '--parallelism', String(parallelism), '--image', IMAGE, '--lead', '15s']);
    assert.equal(generated.code, 0, generated.stderr);
    const docs = parse(generated.stdout);
    const [job] = byKind(docs, 'Job', 'worker');
    const [gather] = byKind(docs, 'Job', 'gather');
    const [configMap] = byKind(docs, 'ConfigMap');
    assert.ok(job && gather && configMap);
    assert.equal(job.spec.template.spec.containers[0].image, IMAGE);

    // The pod's volumes as local folders, bound into the containers at their mountPaths; the
    // results folder belongs to the pods' fsGroup, 1000, as the claim's would.
    const pod = workerPodFiles(job, configMap, join(dir, 'pod'));
    const results = pod.local('/results');
    mkdirSync(results, { recursive: true });
    chownSync(results, 1000, 1000);
    const volumes = pod.mounts.flatMap((m) => ['--volume', `${m.local}:${m.mountPath}`]);
    const inImage = async (command: string[], env: Record<string, string>) => {
      const container = await buildah.must(['from', '--pull-never', IMAGE]);
      const envFlags = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
      return buildah.run(['run', '--isolation', 'chroot', '--user', '1000:1000', ...envFlags, ...volumes, container, '--', ...command], 180_000);
    };

    const container = job.spec.template.spec.containers[0];
    const workers = await Promise.all(
      Array.from({ length: parallelism }, (_, index) => inImage([...container.command, ...workerArgsFor(job, index)], { CI: 'true', JOB_COMPLETION_INDEX: String(index) })),
    );
    workers.forEach((w, i) => assert.equal(w.code, 0, `worker ${i}: ${w.stderr}${w.stdout}`));
    assert.equal(seen.length, 60, 'the two pods sent the scenario\'s 30/s for 2 s once');
    assert.equal(new Set(seen).size, 60, 'no iteration twice');

    const gatherCommand = gather.spec.template.spec.containers[0].command as string[];
    const gathered = await inImage(gatherCommand, { CI: 'true' });
    assert.equal(gathered.code, 0, `${gathered.stderr}${gathered.stdout}`);
    assert.match(gathered.stdout, /verdict: PASS/);
    const runDir = join(results, job.metadata.name);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { verdict: string; overall: { requests: number } };
    assert.deepEqual([summary.verdict, summary.overall.requests], ['pass', 60]);
    assert.match(readFileSync(join(runDir, 'report.html'), 'utf8'), /<html/);
    assert.equal(statSync(join(runDir, 'report.html')).uid, 1000, 'written by the image\'s non-root user');
  });
});
