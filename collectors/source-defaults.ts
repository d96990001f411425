// Defaults of the remote sources, in a file of their own so the scenario loader can fill them in
// (and the schema describe them) without loading the collectors themselves.

/**
 * The queries the prometheus source asks by default: the ones rightsizing tools run against
 * cAdvisor's metrics, per pod (the POD pause container and the pod-level series without a
 * container label are left out, or usage would be counted twice). Users may replace either.
 */
export const DEFAULT_PROMETHEUS_CPU_QUERY = 'sum by (pod) (rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[1m]))';
export const DEFAULT_PROMETHEUS_MEMORY_QUERY = 'sum by (pod) (container_memory_working_set_bytes{container!="",container!="POD"})';

/** Where the Docker Engine API listens on a Linux host. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
