import { readFileSync } from 'node:fs';
import { RESULTS_FORMAT, RESULTS_VERSION } from './results-format.js';
import type { BodyRecord, HeaderRecord } from './results-format.js';

export class ResultsFileError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'ResultsFileError';
  }
}

export interface Results {
  header: HeaderRecord;
  records: BodyRecord[];
  /** True when the last line was cut off (the writer died mid-line); it was ignored. */
  tornTail: boolean;
}

/** Reads a whole results stream. A torn final line is tolerated; any other bad line is an error. */
export function readResults(file: string): Results {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ResultsFileError(file, 0, `cannot read: ${(error as Error).message}`);
  }
  return parseResults(text, file);
}

export function parseResults(text: string, file = '<results>'): Results {
  const lines = text.split('\n');
  const endsCleanly = lines[lines.length - 1] === '';
  if (endsCleanly) lines.pop();
  let tornTail = false;
  const records: BodyRecord[] = [];
  let header: HeaderRecord | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (i === lines.length - 1 && !endsCleanly && !parsesAsJson(line)) {
      tornTail = true;
      break;
    }
    if (header === undefined) header = parseHeaderLine(line, file);
    else records.push(parseBodyLine(line, file, i + 1));
  }
  if (header === undefined) throw new ResultsFileError(file, 0, 'empty: no header record');
  return { header, records, tornTail };
}

/** The stream's first record, checked: the right format, a version this loadtest reads. */
export function parseHeaderLine(line: string, file: string): HeaderRecord {
  return checkHeader(parseJson(line, file, 1), file);
}

/** A record after the header: any JSON object with a `type` (readers skip types they do not know). */
export function parseBodyLine(line: string, file: string, lineNumber: number): BodyRecord {
  const record = parseJson(line, file, lineNumber);
  if (typeof record === 'object' && record !== null && typeof (record as { type?: unknown }).type === 'string') return record as BodyRecord;
  throw new ResultsFileError(file, lineNumber, 'record has no "type"');
}

function parseJson(line: string, file: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ResultsFileError(file, lineNumber, 'not a JSON record');
  }
}

/** Whether a line is JSON at all: a last line that is not is the torn tail of a writer that died. */
export function parsesAsJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function checkHeader(record: unknown, file: string): HeaderRecord {
  const header = record as Partial<HeaderRecord> | null;
  if (header?.type !== 'header' || header.format !== RESULTS_FORMAT) {
    throw new ResultsFileError(file, 1, `not a ${RESULTS_FORMAT} stream (first line is not its header)`);
  }
  if (typeof header.version !== 'number' || header.version > RESULTS_VERSION) {
    throw new ResultsFileError(
      file,
      1,
      `stream version ${String(header.version)} is newer than this loadtest understands (${RESULTS_VERSION}); upgrade loadtest`,
    );
  }
  return header as HeaderRecord;
}
