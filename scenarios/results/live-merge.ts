import { MergeRefusedError } from './merge-checks.js';
import { MergedOutput, type MergeSummary } from './merged-output.js';
import type { BodyRecord, HeaderRecord } from './results-format.js';
import { recordingInterval, StreamMerger } from './stream-merger.js';
import { StreamTail } from './stream-tail.js';

// The merged stream of workers that are still running: each poll reads what every worker has
// appended and writes to the merged stream every interval all of them are past, so the merged
// stream grows a second at a time like a single generator's and can be followed, watched for
// abortOnFail and shown while the run goes on. Should this process die, the merged stream stays
// valid up to its last whole line, and the workers' own streams can still be merged afresh.

export class LiveMerge {
  readonly #tails: StreamTail[];
  /** Per worker, the records read before every worker's header was (the merge's clock needs them all). */
  readonly #early: BodyRecord[][];
  /** Workers whose process has ended: what their stream holds is all it will. */
  readonly #exited = new Set<number>();
  #merger: StreamMerger | undefined;
  #output: MergedOutput | undefined;

  /** `onRecords` is told each batch of merged records once it is written. */
  constructor(
    private readonly files: readonly string[],
    private readonly output: string,
    private readonly onRecords?: (records: readonly BodyRecord[]) => void,
  ) {
    this.#tails = files.map((file) => new StreamTail(file));
    this.#early = files.map(() => []);
  }

  /** The merged stream's header, once every worker has written its own. */
  get header(): HeaderRecord | undefined {
    return this.#merger?.header;
  }

  /**
   * Reads what every worker appended and writes what is now merged. Throws ResultsFileError for a
   * bad line and MergeRefusedError for streams that are not one run's.
   */
  poll(): void {
    this.#tails.forEach((tail, worker) => {
      // An exited worker's stream is complete: its last line is read however it ends.
      const records = this.#exited.has(worker) ? tail.readToEnd() : tail.read();
      if (this.#merger === undefined) this.#early[worker]!.push(...records);
      else for (const record of records) this.#merger.add(worker, record);
    });
    if (this.#merger === undefined && !this.#start()) return;
    for (const worker of this.#exited) this.#merger!.close(worker, this.#tails[worker]!.tornTail);
    this.#output!.write(this.#merger!.take());
  }

  /**
   * `worker` has exited: its stream is complete as it stands, so the others' seconds need not wait
   * for it. False when it never wrote a header, so the run cannot be merged.
   */
  workerExited(worker: number): boolean {
    this.#exited.add(worker);
    this.poll();
    return this.#tails[worker]!.header !== undefined;
  }

  /** Once every worker has exited: merges the rest of their streams, writes the end and closes the merged stream. */
  finish(abortedBy?: string): MergeSummary {
    this.#tails.forEach((_, worker) => this.#exited.add(worker));
    this.poll();
    const merger = this.#merger;
    if (merger === undefined) {
      const silent = this.#tails.filter((tail) => tail.header === undefined).map((tail) => tail.file);
      throw new MergeRefusedError(`no results stream from ${silent.join(', ')}: the worker wrote nothing`);
    }
    this.#output!.write(merger.take());
    return this.#output!.close(merger.end(abortedBy));
  }

  #start(): boolean {
    if (this.#tails.some((tail) => tail.header === undefined)) return false;
    const headers = this.#tails.map((tail) => tail.header!);
    const merger = new StreamMerger(headers, { files: this.files, interval: recordingInterval(headers[0]!, this.#early) });
    this.#output = new MergedOutput(this.output, merger.header, this.onRecords);
    this.#early.forEach((records, worker) => {
      for (const record of records) merger.add(worker, record);
      records.length = 0;
    });
    this.#merger = merger;
    return true;
  }
}
