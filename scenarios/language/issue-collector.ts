// Gathers issues from every stage of loading, pinning each to a source position as it arrives.

import { formatPath, samePath, type ValuePath } from './value-path.js';
import type { PositionLookup, PositionTarget } from './source-positions.js';
import type { ScenarioIssue } from './scenario-error.js';

export class IssueCollector {
  private readonly found: Array<{ path: ValuePath; issue: ScenarioIssue }> = [];

  constructor(
    readonly file: string,
    private readonly positions: PositionLookup,
  ) {}

  /** Records an issue at `path`; `target: 'key'` points at the key itself (used for unknown keys). */
  add(path: ValuePath, message: string, target: PositionTarget = 'value'): void {
    const shown = formatPath(path);
    if (this.found.some((entry) => entry.issue.path === shown && entry.issue.message === message)) return;
    const position = this.positions.positionOf(path, target);
    const issue: ScenarioIssue = { file: this.file, path: shown, message };
    if (position) {
      issue.line = position.line;
      issue.column = position.column;
    }
    this.found.push({ path, issue });
  }

  /**
   * Records an issue unless an earlier stage already reported this exact path. The normaliser uses this:
   * a value the schema already rejected would otherwise be reported twice in different words.
   */
  addUnlessReported(path: ValuePath, message: string, target: PositionTarget = 'value'): void {
    if (!this.hasIssueAt(path)) this.add(path, message, target);
  }

  /** For problems outside the file, such as a bad `--target`: shown with the file but no line. */
  addUnpositioned(label: string, message: string): void {
    this.found.push({ path: [label], issue: { file: this.file, path: label, message } });
  }

  hasIssueAt(path: ValuePath): boolean {
    return this.found.some((entry) => samePath(entry.path, path));
  }

  get count(): number {
    return this.found.length;
  }

  /** Issues in source order (position-less ones first, as they concern the file or command line). */
  get issues(): ScenarioIssue[] {
    return this.found
      .map((entry) => entry.issue)
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  }
}
