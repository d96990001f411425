import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { BodyRecord, HeaderRecord } from './results-format.js';
import { parseBodyLine, parseHeaderLine, parsesAsJson, ResultsFileError } from './results-reader.js';

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
  #atEnd = false;
  /** One read buffer for the tail's life: a new one per read would leave the collector megabytes to find. */
  #buffer: Buffer | undefined;
  readonly #decoder = new StringDecoder('utf8');

  constructor(readonly file: string) {}

  /** The stream's header, once its first line has been read. */
  get header(): HeaderRecord | undefined {
    return this.#header;
  }

  /** True when the stream so far stops in the middle of a line. */
  get tornTail(): boolean {
    return this.#partial.trim() !== '';
  }

  /** True when the last read found nothing more in the file (so far: its writer may still append). */
  get atEnd(): boolean {
    return this.#atEnd;
  }

  /**
   * The records whose lines were completed since the last call; none while the file does not exist
   * yet. `maxBytes` bounds what one call reads (a whole file is then taken a piece at a time).
   */
  read(maxBytes = Infinity): BodyRecord[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      this.#atEnd = true;
      return [];
    }
    let text = this.#partial;
    try {
      if (fstatSync(fd).size < this.#offset) throw new ResultsFileError(this.file, 0, `was cut short while being followed (at ${this.#offset} bytes): another process is writing the same file`);
      const buffer = (this.#buffer ??= Buffer.allocUnsafe(CHUNK));
      let taken = 0;
      let n = 0;
      while (taken < maxBytes && (n = readSync(fd, buffer, 0, CHUNK, this.#offset)) > 0) {
        this.#offset += n;
        taken += n;
        // The decoder holds back a character split across two reads.
        text += this.#decoder.write(buffer.subarray(0, n));
      }
      this.#atEnd = n === 0;
    } finally {
      closeSync(fd);
    }
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    return this.#parse(lines);
  }

  /**
   * The file is complete: reads the rest, and takes its last line, when it lacks a newline, as a
   * record if it parses (a file edited by hand) or else as the torn tail of a writer that died.
   */
  readToEnd(): BodyRecord[] {
    const records = this.read();
    if (this.#partial.trim() === '' || !parsesAsJson(this.#partial)) return records;
    const last = this.#partial;
    this.#partial = '';
    return [...records, ...this.#parse([last])];
  }

  #parse(lines: readonly string[]): BodyRecord[] {
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
