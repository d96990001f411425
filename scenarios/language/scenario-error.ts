// The one error a scenario load throws. It carries every problem found, each pinned to file:line:column,
// so a user fixes a file in one pass instead of one error per run.

export interface ScenarioIssue {
  file: string;
  /** 1-based; absent when the source has no positions (module scenarios, command-line options). */
  line?: number;
  column?: number;
  /** Where in the scenario, e.g. "phases[0].rate"; '' for the file as a whole. */
  path: string;
  message: string;
}

/** Beyond this many, further issues are usually consequences of the first ones. */
export const MAX_REPORTED_ISSUES = 20;

export function formatIssue(issue: ScenarioIssue): string {
  let location = issue.file;
  if (issue.line !== undefined) {
    location += `:${issue.line}`;
    if (issue.column !== undefined) location += `:${issue.column}`;
  }
  return issue.path === '' ? `${location}: ${issue.message}` : `${location}: ${issue.path}: ${issue.message}`;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly issues: ScenarioIssue[];
  /** How many issues were found beyond the ones kept in `issues`. */
  readonly omitted: number;

  constructor(issues: ScenarioIssue[]) {
    const kept = issues.slice(0, MAX_REPORTED_ISSUES);
    const omitted = issues.length - kept.length;
    const lines = kept.map(formatIssue);
    if (omitted > 0) lines.push(`… and ${omitted} more issue${omitted === 1 ? '' : 's'}`);
    super(lines.join('\n'));
    this.issues = kept;
    this.omitted = omitted;
  }
}
