import type { EndRecord } from './results-format.js';

// How a merged run ended: completed only when every worker completed; otherwise as badly as the
// worst worker (failed is worse than interrupted). The message says which worker did what, so a
// merged run marked partial can be traced to the stream that made it so.

export interface WorkerEnd {
  file: string;
  /** Its end record on the merged clock; undefined when the stream stops without one (the worker died). */
  end: EndRecord | undefined;
  tornTail: boolean;
}

const SEVERITY: Record<EndRecord['status'], number> = { completed: 0, interrupted: 1, failed: 2 };

/** The merged end record at the latest end (or `lastT` when no worker wrote one); `stoppedBy`: the abortOnFail threshold that stopped all workers. */
export function mergeEnds(workers: readonly WorkerEnd[], lastT: number, note?: string, stoppedBy?: string): EndRecord {
  // Stopped for the whole run by an abortOnFail threshold judged on the merged stream, as a single run is.
  let status: EndRecord['status'] = stoppedBy === undefined ? 'completed' : 'interrupted';
  let t = 0;
  let abortedBy = stoppedBy;
  const said: string[] = [];
  for (const { file, end, tornTail } of workers) {
    // A stream without an end record was cut off: the reader of a single stream takes it as interrupted too.
    const workerStatus = end?.status ?? 'interrupted';
    if (SEVERITY[workerStatus] > SEVERITY[status]) status = workerStatus;
    t = Math.max(t, end?.t ?? lastT);
    abortedBy ??= end?.abortedBy;
    const detail = end === undefined ? 'no end record' : end.message;
    said.push(`${file}: ${workerStatus}${detail === undefined ? '' : ` (${detail})`}${tornTail ? ', last line torn' : ''}`);
  }
  const stopped = stoppedBy === undefined ? '' : `stopped: threshold ${stoppedBy} failed (abortOnFail); `;
  const message = `${stopped}merged ${workers.length} worker${workers.length === 1 ? '' : 's'}: ${said.join('; ')}${note === undefined ? '' : `; ${note}`}`;
  return { type: 'end', t, status, message, ...(abortedBy === undefined ? {} : { abortedBy }) };
}
