// The Dockerfile checked against the tree, with no image builder needed (test/e2e/image.e2e.ts
// builds it for real where buildah is installed): everything it copies exists and is not excluded
// by .dockerignore, its entrypoint is the package's bin, the `loadtest` the manifests call is put on
// PATH, and the user is the numeric non-root one the manifests' securityContext names.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { workerJob, type JobPlan } from '../../cli/k8s/manifests.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { type?: string; bin?: Record<string, string> };

interface Instruction {
  stage: number;
  op: string;
  args: string;
}

function instructions(): Instruction[] {
  let stage = -1;
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      if (op!.toUpperCase() === 'FROM') stage++;
      return { stage, op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

const isIgnored = (path: string): boolean => ignored.some((pattern) => path === pattern || path.startsWith(`${pattern}/`));

describe('Dockerfile', () => {
  const all = instructions();

  it('two stages on node:20-slim, the runtime without dev dependencies', () => {
    const froms = all.filter((i) => i.op === 'FROM').map((i) => i.args);
    assert.deepEqual(froms, ['${NODE_IMAGE} AS build', '${NODE_IMAGE}']);
    assert.deepEqual(all.filter((i) => i.op === 'ARG').map((i) => [i.stage, i.args]), [[-1, 'NODE_IMAGE=node:20-slim']], 'the base, before the first stage');
    assert.ok(all.some((i) => i.stage === 0 && i.op === 'RUN' && /npm ci\b/.test(i.args)));
    assert.ok(all.some((i) => i.stage === 0 && i.op === 'RUN' && /npm prune --omit=dev/.test(i.args)));
    assert.ok(!all.some((i) => i.stage === 1 && i.op === 'RUN' && /npm (ci|install)/.test(i.args)));
  });

  it('every file the build stage copies from the context exists and is not excluded by .dockerignore', () => {
    const copies = all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
    assert.ok(copies.length > 0);
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(join(ROOT, source)), `${source} exists`);
        assert.ok(!isIgnored(source), `${source} is not in .dockerignore`);
      }
    }
    // tsc's inputs besides tests and benches, which the context leaves out.
    for (const folder of ['cli', 'scenarios', 'collectors', 'reports', 'fixtures']) assert.ok(copies.some((c) => c.args.startsWith(`${folder} `)), folder);
  });

  it('the runtime gets the compiled CLI, production modules, package.json and the report templates read at run time', () => {
    const fromBuild = all.filter((i) => i.stage === 1 && i.op === 'COPY' && i.args.startsWith('--from=build')).map((i) => i.args.split(/\s+/)[1]!);
    for (const needed of ['/app/package.json', '/app/node_modules', '/app/dist', '/app/reports/html/templates', '/app/reports/html/assets', '/app/scenarios/flows']) {
      assert.ok(fromBuild.includes(needed), needed);
    }
    for (const path of fromBuild.filter((p) => !['/app/node_modules', '/app/dist'].includes(p))) assert.ok(existsSync(join(ROOT, path.slice('/app/'.length))), path);
    assert.ok(existsSync(join(ROOT, 'reports/html/templates/layout.hbs')));
  });

  it('the entrypoint is the package\'s bin, an ES module that exists after the build, with a shebang for the PATH link', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.bin?.loadtest, 'dist/cli/main.js');
    const entry = all.find((i) => i.op === 'ENTRYPOINT');
    assert.deepEqual(JSON.parse(entry!.args), ['node', `/app/${pkg.bin!.loadtest}`]);
    const main = join(ROOT, pkg.bin!.loadtest);
    assert.ok(existsSync(main));
    assert.ok(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n'));
    assert.ok(all.some((i) => i.stage === 1 && i.op === 'RUN' && i.args.includes('ln -s /app/dist/cli/main.js /usr/local/bin/loadtest') && i.args.includes('chmod +x dist/cli/main.js')));
  });

  it('runs as the numeric non-root user the manifests\' securityContext names', () => {
    const user = all.filter((i) => i.op === 'USER').at(-1)!;
    assert.equal(user.stage, 1);
    const [uid] = user.args.split(':');
    const job = workerJob({ runName: 'r', scenarioLabel: 's', image: 'i', parallelism: 1, startAt: 'x', scenarioPath: 'a.yaml', files: [], cpu: '1', memory: '1Gi', gatherMemory: '1Gi', results: { claim: 'c', create: true, size: '1Gi' }, activeDeadlineSeconds: 1, gather: false } as JobPlan) as any;
    assert.equal(job.spec.template.spec.securityContext.runAsUser, Number(uid));
    assert.equal(job.spec.template.spec.securityContext.runAsNonRoot, true);
    assert.ok(Number(uid) > 0);
  });

  it('no compiled program code imports from test/ or bench/, which the image leaves out', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.js') && /from '(\.\.\/)+(test|bench)\//.test(readFileSync(path, 'utf8'))) offenders.push(path);
      }
    };
    for (const folder of ['cli', 'scenarios', 'collectors', 'reports', 'fixtures']) walk(join(ROOT, 'dist', folder));
    assert.deepEqual(offenders, []);
  });
});
