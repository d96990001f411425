// Kubernetes names for one run, derived from the scenario's name: DNS-1123 labels (lower-case
// alphanumerics and '-', starting and ending alphanumeric, at most 63 characters).

const MAX_LABEL = 63;
/** Keeps `<prefix><slug>-<stamp>-gather` within 63 characters, and the Indexed Job's pod hostnames too. */
export const MAX_SCENARIO_SLUG = 30;

/** A DNS-1123 label from any text, at most `max` characters; 'scenario' when nothing is left. */
export function dnsLabel(text: string, max = MAX_LABEL): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'scenario' : slug;
}

export function isDnsLabel(text: string): boolean {
  return text.length <= MAX_LABEL && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text);
}

/** `loadtest-<scenario>-<yyyymmdd-hhmmss of the start, UTC>`: unique per run, since a Job cannot be re-applied with a new start. */
export function runName(scenarioName: string, startAt: Date): string {
  const stamp = startAt.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `loadtest-${dnsLabel(scenarioName, MAX_SCENARIO_SLUG)}-${stamp}`;
}
