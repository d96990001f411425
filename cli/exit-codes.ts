// The exit codes every command uses, so pipelines can tell "the build is worse" from "the test
// itself was broken".
export const EXIT = {
  ok: 0,
  /** A threshold or gate failed: the system under test did not meet its objective. */
  thresholdFailed: 1,
  /** Bad input or usage: nothing was run. */
  badInput: 2,
  /** The run itself could not be carried out (or was interrupted). */
  runFailed: 3,
} as const;

/** Thrown by command actions to end with a message and an exit code, without a stack trace. */
export class CliExit extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'CliExit';
  }
}
