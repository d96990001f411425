import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { BodyRecord, HeaderRecord } from './results-format.js';
import { parseBodyLine, parseHeaderLine, ResultsFileError } from './results-reader.js';

// Follows a results stream another process is still writing: each read returns the whole records
// appended since the last, so a reader can act on a run's seconds as they land. The writer appends
// whole lines per write, but a read may still catch a write half done; the unfinished line waits for
// the next read (and, when the writer died, is the stream's torn tail).

const CHUNK = 1 << 20;

export class StreamTail {
  #header: HeaderRecord | undefined;
  #offset = 0;
  #lineNumber = 0;
  #partial = '';
  readonly #decoder = new StringDecoder('utf8');

  constructor(readonly file: string) {}

  /** The stream's header, once its first line has been read. */
  get header(): HeaderRecord | undefined {
    return this.#header;
  }

  /** True when the stream so far stops in the middle of a line. */
  get tornTail(): boolean {
    return this.#partial !== '';
  }

  /** The records whose lines were completed since the last call; none while the file does not exist yet. */
  read(): BodyRecord[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return [];
    }
    let text = this.#partial;
    try {
      if (fstatSync(fd).size < this.#offset) throw new ResultsFileError(this.file, 0, `was cut short while being followed (at ${this.#offset} bytes): another process is writing the same file`);
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (let n = readSync(fd, buffer, 0, CHUNK, this.#offset); n > 0; n = readSync(fd, buffer, 0, CHUNK, this.#offset)) {
        this.#offset += n;
        // The decoder holds back a character split across two reads.
        text += this.#decoder.write(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    const records: BodyRecord[] = [];
    for (const line of lines) {
      this.#lineNumber++;
      if (line.trim() === '') continue;
      if (this.#header === undefined) this.#header = parseHeaderLine(line, this.file);
      else records.push(parseBodyLine(line, this.file, this.#lineNumber));
    }
    return records;
  }
}
