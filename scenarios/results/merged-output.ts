import type { BodyRecord, EndRecord, HeaderRecord } from './results-format.js';
import { ResultsWriter } from './results-writer.js';

// The merged stream being written, by `loadtest merge` or by `run --workers` as its workers run:
// batches of merged records appended as they are handed out, counted for the closing line.

export interface MergeSummary {
  records: number;
  requests: number;
  status: EndRecord['status'];
}

export class MergedOutput {
  readonly #writer: ResultsWriter;
  #records = 0;
  #requests = 0;

  /** `onRecords` is told each batch once it is written. */
  constructor(path: string, header: HeaderRecord, private readonly onRecords?: (records: readonly BodyRecord[]) => void) {
    this.#writer = new ResultsWriter(path, header);
  }

  write(records: readonly BodyRecord[]): void {
    if (records.length === 0) return;
    this.#writer.append(records);
    this.#records += records.length;
    for (const record of records) if (record.type === 'step') this.#requests += record.count;
    this.onRecords?.(records);
  }

  /** Writes the end record and closes the stream. */
  close(end: EndRecord): MergeSummary {
    this.write([end]);
    this.#writer.close();
    return { records: this.#records, requests: this.#requests, status: end.status };
  }
}
