import { addInto, encodeHistogram, newHistogram, recordMicros } from './histogram.js';
import type { Histogram } from './histogram.js';
import { OUTCOMES } from '../outcome.js';
import type { Outcome } from '../outcome.js';
import type { ErrorSampleRecord, StepIntervalRecord } from './results-format.js';
import { redactSecrets } from './redact-secrets.js';

const OUTCOME_INDEX: Record<Outcome, number> = Object.fromEntries(OUTCOMES.map((o, i) => [o, i])) as Record<Outcome, number>;
const MAX_DISTINCT_MESSAGES = 5;
const MAX_MESSAGE_LENGTH = 300;

/** One (phase, step, outcome) cell for the current interval. Reused every interval. */
class StepBucket {
  count = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly latency: Histogram = newHistogram();
  readonly service: Histogram = newHistogram();
  /** Failure messages seen this interval, with their counts; a few distinct ones at most. */
  messages: Map<string, number> | undefined;

  constructor(readonly step: string, readonly outcome: Outcome) {}

  reset(): void {
    this.count = 0;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.latency.reset();
    this.service.reset();
    this.messages = undefined;
  }
}

/**
 * Per-second request metrics keyed by phase, step and outcome. The cells live for the whole run
 * (their number is bounded by the scenario), so memory stays flat however long the run is.
 */
export class StepBuckets {
  // phase index -> step name -> cells indexed by outcome
  readonly #byPhase: Array<Map<string, Array<StepBucket | undefined>>> = [];
  /** After drain(): every latency of the drained interval, all steps together, for the live p99. */
  readonly intervalLatency: Histogram = newHistogram();
  intervalRequests = 0;
  intervalErrors = 0;

  record(
    phase: number,
    step: string,
    outcome: Outcome,
    latencyUs: number,
    serviceUs: number,
    bytesIn: number,
    bytesOut: number,
    detail: string | undefined,
  ): void {
    const bucket = this.#bucket(phase, step, outcome);
    bucket.count++;
    bucket.bytesIn += bytesIn;
    bucket.bytesOut += bytesOut;
    recordMicros(bucket.latency, latencyUs);
    recordMicros(bucket.service, serviceUs);
    this.intervalRequests++;
    if (outcome !== 'ok') {
      this.intervalErrors++;
      if (detail !== undefined) noteMessage(bucket, detail);
    }
  }

  /** Turns the interval's cells into records and resets them for the next interval. */
  drain(t: number, dur: number, phaseNames: readonly string[]): Array<StepIntervalRecord | ErrorSampleRecord> {
    const records: Array<StepIntervalRecord | ErrorSampleRecord> = [];
    this.intervalLatency.reset();
    this.#byPhase.forEach((steps, phaseIndex) => {
      const phase = phaseNames[phaseIndex] ?? `phase-${phaseIndex + 1}`;
      for (const cells of steps.values()) {
        for (const bucket of cells) {
          if (bucket === undefined || bucket.count === 0) continue;
          records.push({
            type: 'step',
            t,
            dur,
            phase,
            step: bucket.step,
            outcome: bucket.outcome,
            count: bucket.count,
            bytesIn: bucket.bytesIn,
            bytesOut: bucket.bytesOut,
            latency: encodeHistogram(bucket.latency),
            service: encodeHistogram(bucket.service),
          });
          addInto(this.intervalLatency, bucket.latency);
          for (const [message, count] of bucket.messages ?? []) {
            records.push({ type: 'error-sample', t, phase, step: bucket.step, outcome: bucket.outcome, message: publishable(message), count });
          }
          bucket.reset();
        }
      }
    });
    this.intervalRequests = 0;
    this.intervalErrors = 0;
    return records;
  }

  #bucket(phase: number, step: string, outcome: Outcome): StepBucket {
    let steps = this.#byPhase[phase];
    if (steps === undefined) {
      steps = new Map();
      this.#byPhase[phase] = steps;
    }
    let cells = steps.get(step);
    if (cells === undefined) {
      cells = new Array(OUTCOMES.length);
      steps.set(step, cells);
    }
    const index = OUTCOME_INDEX[outcome];
    let bucket = cells[index];
    if (bucket === undefined) {
      bucket = new StepBucket(step, outcome);
      cells[index] = bucket;
    }
    return bucket;
  }
}

function noteMessage(bucket: StepBucket, detail: string): void {
  bucket.messages ??= new Map();
  const seen = bucket.messages.get(detail);
  if (seen !== undefined) bucket.messages.set(detail, seen + 1);
  else if (bucket.messages.size < MAX_DISTINCT_MESSAGES) bucket.messages.set(detail, 1);
}

/** Messages are kept raw while counting (cheap) and cleaned once, on their way to the stream. */
function publishable(detail: string): string {
  const clipped = detail.length > MAX_MESSAGE_LENGTH ? detail.slice(0, MAX_MESSAGE_LENGTH) + '…' : detail;
  return redactSecrets(clipped);
}
