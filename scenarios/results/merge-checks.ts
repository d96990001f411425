import { basename } from 'node:path';
import type { HeaderRecord } from './results-format.js';

// What must hold before worker streams can be merged: they are shares of one run of one version of
// one scenario. Anything that would make their seconds mean different things is refused, naming
// the file that disagrees with the first.

/** Streams that cannot be merged; the message names the file and what differs. */
export class MergeRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeRefusedError';
  }
}

export interface NamedHeader {
  file: string;
  header: HeaderRecord;
}

/**
 * Throws MergeRefusedError when a header disagrees with the first on what the run was. The
 * scenario file is compared by name, not path: workers on different machines keep their checkout
 * in different places. Phase parameters (rates, users) are not compared: they are each worker's
 * share of the load.
 */
export function checkSameRun(headers: readonly NamedHeader[]): void {
  const [first, ...rest] = headers;
  if (first === undefined) throw new MergeRefusedError('nothing to merge: no results streams given');
  for (const other of rest) {
    for (const [what, pick] of COMPARED) {
      const expected = JSON.stringify(pick(first.header));
      const actual = JSON.stringify(pick(other.header));
      if (expected !== actual) {
        throw new MergeRefusedError(`${other.file}: not the same ${what} as ${first.file} (${actual} against ${expected}); only streams of one run of one scenario version merge`);
      }
    }
  }
}

const COMPARED: Array<[string, (header: HeaderRecord) => unknown]> = [
  ['results format version', (h) => `${h.format} ${h.version}`],
  ['loadtest version', (h) => `${h.tool.name} ${h.tool.version}`],
  ['mode', (h) => h.mode],
  ['scenario name', (h) => h.scenario.name],
  ['scenario file', (h) => basename(h.scenario.file)],
  ['phases (names, executors, start and duration)', (h) => h.phases.map((p) => [p.name, p.executor, p.startS, p.durationS])],
  ['thresholds', (h) => [h.scenario.thresholds, h.scenario.abortOnFail ?? []]],
  ['flows', (h) => h.flows ?? []],
  ['histogram precision', (h) => h.histogram],
];

/**
 * Checks the segments: all streams have one or none, all of one count, no index twice or out of
 * range. Returns the 0-based segments not given; the caller refuses them unless told otherwise.
 */
export function missingSegments(headers: readonly NamedHeader[]): number[] {
  const segmented = headers.filter((h) => h.header.segment !== undefined);
  if (segmented.length === 0) return [];
  if (segmented.length !== headers.length) {
    const plain = headers.find((h) => h.header.segment === undefined)!;
    throw new MergeRefusedError(`${plain.file}: not a segment of a split run, but ${segmented[0]!.file} is; merge either the segments of one run or unsegmented streams`);
  }
  const count = segmented[0]!.header.segment!.count;
  const seen = new Map<number, string>();
  for (const { file, header } of segmented) {
    const segment = header.segment!;
    if (segment.count !== count) throw new MergeRefusedError(`${file}: its segment is of a run split ${segment.count} ways, but ${segmented[0]!.file} was split ${count} ways`);
    if (!Number.isInteger(segment.index) || segment.index < 0 || segment.index >= count) throw new MergeRefusedError(`${file}: segment index ${segment.index} is outside 0..${count - 1}`);
    const other = seen.get(segment.index);
    if (other !== undefined) throw new MergeRefusedError(`${file}: segment index ${segment.index} of ${count} was given twice (also ${other})`);
    seen.set(segment.index, file);
  }
  const missing: number[] = [];
  for (let index = 0; index < count; index++) if (!seen.has(index)) missing.push(index);
  return missing;
}

/** Segments as the header numbers them: "segment indices 1, 2 of 3 (0-based)". */
export function segmentsText(indices: readonly number[], count: number): string {
  return `segment ${indices.length === 1 ? 'index' : 'indices'} ${indices.join(', ')} of ${count} (0-based)`;
}
