import { join } from 'node:path';
import type { CapacityStudy } from '../reports/capacity/capacity-study-types.js';
import { kubernetesYaml } from '../reports/capacity/kubernetes-yaml.js';
import { recommendationDocument } from '../reports/capacity/recommendation-json.js';
import { renderRecommendation } from '../reports/capacity/render-recommendation.js';
import { EXIT } from './exit-codes.js';
import { writeAtomically } from './judge-and-write.js';

// What every command that sizes a target ends with (`run` with a capacity: section, a scaling
// experiment, `recommend`): the recommendation on the terminal, recommendation.json and the
// Kubernetes YAML where asked. A study with no recommendation says why and writes nothing.

export interface CapacityFiles {
  json?: string;
  kubernetes?: string;
  namespace?: string;
}

/** Where a run with a capacity: section writes its recommendation: beside its results. */
export function capacityFiles(outDir: string): Required<Omit<CapacityFiles, 'namespace'>> {
  return { json: join(outDir, 'recommendation.json'), kubernetes: join(outDir, 'kubernetes.yaml') };
}

/** Prints and writes the study's recommendation; returns false when there is none to give. */
export function writeCapacityOutputs(study: CapacityStudy, files: CapacityFiles, print = true): boolean {
  const recommendation = study.recommendation;
  if (recommendation === null) {
    process.stderr.write(`capacity: no recommendation for ${study.target}: ${study.problem ?? 'unknown reason'}\n`);
    return false;
  }
  if (print) process.stdout.write(renderRecommendation(study.plan, recommendation));
  if (files.json !== undefined) writeAtomically(files.json, JSON.stringify(recommendationDocument(study.plan, [recommendation], new Date()), null, 2) + '\n');
  if (files.kubernetes !== undefined) {
    writeAtomically(files.kubernetes, kubernetesYaml([recommendation], files.namespace === undefined ? {} : { namespace: files.namespace }));
  }
  return true;
}

/**
 * A plan no replica count can serve fails like a gate (exit 1): the release would not carry its
 * peak. Returns the exit code with that folded in; a worse code already set stays.
 */
export function withPlanVerdict(study: CapacityStudy, exitCode: number): number {
  if (exitCode !== EXIT.ok || (study.recommendation !== null && study.recommendation.reachesPeak)) return exitCode;
  const why = study.recommendation === null ? 'no recommendation could be made' : `${study.target} cannot serve peak × headroom at any replica count`;
  process.stderr.write(`capacity: FAIL: ${why}\n`);
  return EXIT.thresholdFailed;
}
