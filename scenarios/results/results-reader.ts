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
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      if (i === lines.length - 1 && !endsCleanly) {
        tornTail = true;
        break;
      }
      throw new ResultsFileError(file, i + 1, 'not a JSON record');
    }
    if (header === undefined) {
      header = checkHeader(record, file);
      continue;
    }
    if (typeof record === 'object' && record !== null && typeof (record as { type?: unknown }).type === 'string') {
      records.push(record as BodyRecord);
    } else {
      throw new ResultsFileError(file, i + 1, 'record has no "type"');
    }
  }
  if (header === undefined) throw new ResultsFileError(file, 0, 'empty: no header record');
  return { header, records, tornTail };
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
