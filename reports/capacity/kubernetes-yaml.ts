// Kubernetes manifests from a recommendation, one multi-document YAML string: per target a
// strategic-merge patch for the Deployment (replica count and the container's requests/limits,
// matched by container name, so `kubectl patch deployment NAME --patch-file` or a kustomize
// patch touches nothing else) and an autoscaling/v2 HorizontalPodAutoscaler on CPU utilisation.
// The patch carries no selector or image on purpose: it is merged onto a Deployment that has them.
import { stringify } from 'yaml';
import type { TargetRecommendation } from './recommendation-types.js';

export interface ManifestOptions {
  /** Set metadata.namespace on every object; omitted when not given (kubectl's context decides). */
  namespace?: string;
  /** Leave out the HPA for targets whose HPA cannot help (minReplicas = maxReplicas). Default true. */
  skipUselessHpa?: boolean;
}

type Target = Pick<TargetRecommendation, 'target' | 'container' | 'replicas' | 'cpu' | 'memory' | 'hpa' | 'confidence'>;

export function deploymentPatch(r: Target, options: ManifestOptions = {}): Record<string, unknown> {
  const requests: Record<string, string> = { cpu: r.cpu.request.quantity, memory: r.memory.request.quantity };
  const limits: Record<string, string> = { memory: r.memory.limit.quantity };
  if (r.cpu.limit !== null) limits.cpu = r.cpu.limit.quantity;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(r.target, options),
    spec: {
      replicas: r.replicas,
      template: { spec: { containers: [{ name: r.container, resources: { requests, limits } }] } },
    },
  };
}

export function horizontalPodAutoscaler(r: Target, options: ManifestOptions = {}): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(r.target, options),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: r.target },
      minReplicas: r.hpa.minReplicas,
      maxReplicas: r.hpa.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: r.hpa.targetCPUUtilizationPercentage } } }],
    },
  };
}

/** All targets, sorted by name, Deployment patch then HPA, as one multi-document YAML string. */
export function kubernetesYaml(recommendations: readonly Target[], options: ManifestOptions = {}): string {
  const skipUseless = options.skipUselessHpa ?? true;
  const documents: string[] = [];
  for (const r of [...recommendations].sort((a, b) => a.target.localeCompare(b.target))) {
    const noHpa = skipUseless && r.hpa.minReplicas >= r.hpa.maxReplicas;
    const confidence = r.confidence.level === 'high' ? 'high' : `${r.confidence.level} (${r.confidence.reasons.join('; ')})`;
    const header = `# ${r.target}: ${r.replicas} replica(s); confidence ${confidence}\n` + (noHpa ? `# ${r.target}: no HorizontalPodAutoscaler: more replicas add no throughput\n` : '');
    documents.push(header + stringify(deploymentPatch(r, options)));
    if (!noHpa) documents.push(stringify(horizontalPodAutoscaler(r, options)));
  }
  return documents.map((d) => `---\n${d}`).join('');
}

function metadata(name: string, options: ManifestOptions): Record<string, string> {
  return options.namespace === undefined ? { name } : { name, namespace: options.namespace };
}
