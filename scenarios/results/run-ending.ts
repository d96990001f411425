import type { Recorder } from './recorder.js';
import type { EndRecord } from './results-format.js';
import type { ResultsWriter } from './results-writer.js';

export interface RunResult {
  status: EndRecord['status'];
  resultsFile: string;
  message?: string;
}

/**
 * How every run ends, whichever way it ends (completed, stopped, aborted, failed): the recorder
 * flushes its last interval and the end record, the stream is synced and closed — exactly once,
 * however many of those paths race to it.
 */
export function runEnding(recorder: Recorder, writer: ResultsWriter): (status: EndRecord['status'], message?: string, abortedBy?: string) => RunResult {
  let ended = false;
  return (status, message, abortedBy) => {
    if (!ended) {
      ended = true;
      recorder.stop(status, message, abortedBy);
      writer.close();
    }
    const result: RunResult = { status, resultsFile: writer.path };
    if (message !== undefined) result.message = message;
    return result;
  };
}
