// Execution segments: one scenario's load shared among N workers (`loadtest run --segment i/N`) so
// that the N shares add up to the whole at every instant. Everything is striped, not split into
// blocks: worker i takes the global iterations i, i + N, i + 2N, … of every arrival schedule (so
// its iterations interleave with the others' instead of bunching), the virtual users i + 1,
// i + 1 + N, … of every closed-model phase (so at any instant the workers' users add up to the
// scenario's count), and the rows i, i + N, … of sequential and unique feeders (so a unique row is
// used by one worker only, and each iteration reads the row a single generator would have given it).

export interface Segment {
  /** 0-based: this worker's share. */
  index: number;
  count: number;
}

/** The whole load, unsegmented. */
export const WHOLE: Segment = { index: 0, count: 1 };

export const SEGMENT_HINT = 'a share such as 0/4 (the first of four workers; i/N with 0 ≤ i < N)';

export function parseSegment(text: string): Segment {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`expected ${SEGMENT_HINT}, got ${JSON.stringify(text)}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) throw new Error(`expected ${SEGMENT_HINT}, got ${JSON.stringify(text)}: the index must be below the count`);
  return { index, count };
}

/** The global number of this worker's `local`-th iteration (or user, or row): the stripe it owns. */
export function globalIndex(local: number, segment: Segment): number {
  return local * segment.count + segment.index;
}

/** An arrival schedule thinned to this worker's iterations: its j-th is the whole schedule's (jN + i)-th. */
export function segmentSchedule(offsetMs: (iteration: number) => number, segment: Segment): (iteration: number) => number {
  return segment.count === 1 ? offsetMs : (j) => offsetMs(globalIndex(j, segment));
}

/** Does this worker run virtual user `vu` (1-based)? */
export function ownsVu(vu: number, segment: Segment): boolean {
  return (vu - 1) % segment.count === segment.index;
}

/** How many of users 1…`vus` are this worker's. */
export function vuShare(vus: number, segment: Segment): number {
  return vus > segment.index ? Math.floor((vus - 1 - segment.index) / segment.count) + 1 : 0;
}
