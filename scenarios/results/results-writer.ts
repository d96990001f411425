import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BodyRecord, HeaderRecord } from './results-format.js';

// Appends records to the results stream. Each call writes whole lines in one write(2), so a run
// that is killed leaves a file whose every complete line is a valid record; readers drop a torn
// last line. Writes are synchronous on purpose: one small write per second costs well under a
// millisecond, and it means nothing is buffered in memory when the process dies.
export class ResultsWriter {
  readonly path: string;
  #fd: number | undefined;
  #observer: ((records: readonly BodyRecord[]) => void) | undefined;

  constructor(path: string, header: HeaderRecord) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'w');
    this.#write(JSON.stringify(header) + '\n');
  }

  append(records: readonly BodyRecord[]): void {
    if (records.length === 0) return;
    let text = '';
    for (const record of records) text += JSON.stringify(record) + '\n';
    this.#write(text);
    this.#observer?.(records);
  }

  /** Told every batch of records once it is on disk (the run's live gates read the stream this way). */
  observe(observer: (records: readonly BodyRecord[]) => void): void {
    this.#observer = observer;
  }

  close(): void {
    if (this.#fd === undefined) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #write(text: string): void {
    if (this.#fd === undefined) throw new Error(`results stream ${this.path} is already closed`);
    writeSync(this.#fd, text);
  }
}
