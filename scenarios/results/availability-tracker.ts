// Finds the outages in a run from the requests' own outcomes: when did clients stop being served,
// and when were they served again. Requests are grouped by when they were due (not when they
// ended: a request stuck until its timeout says the system was down when it was sent) into
// 100 ms buckets; a bucket is failing when most of its requests failed, healthy when most
// succeeded. An outage runs from the first failing request of a failing bucket to the first
// successful request of the next healthy bucket. Buckets without requests are no evidence either
// way. A bucket is only judged once every request due in it has ended (its age exceeds the longest
// request timeout), so the verdicts are final and can be streamed; memory is one small entry per
// bucket not yet judged.
import type { OutageRecord } from './results-format.js';
import { roundSeconds } from './run-clock.js';

const BUCKET_S = 0.1;
/** One stray failure is an error, not an outage. */
const MIN_FAILED = 2;

interface Bucket {
  ok: number;
  failed: number;
  firstOkS: number;
  firstFailedS: number;
}

interface OpenOutage {
  startS: number;
  ok: number;
  failed: number;
  afterFault: string | undefined;
}

export class AvailabilityTracker {
  readonly #buckets = new Map<number, Bucket>();
  readonly #settleS: number;
  #nextToJudge = 0;
  #open: OpenOutage | undefined;
  readonly #faults: Array<{ t: number; label: string }> = [];

  /** `settleMs`: the longest a request can take (its timeout), after which its bucket is complete. */
  constructor(settleMs: number) {
    this.#settleS = settleMs / 1000 + 2 * BUCKET_S;
  }

  request(dueS: number, ok: boolean): void {
    const index = Math.max(0, Math.floor(dueS / BUCKET_S));
    if (index < this.#nextToJudge) return; // later than the longest timeout: cannot happen, but never reopen a verdict
    let bucket = this.#buckets.get(index);
    if (bucket === undefined) this.#buckets.set(index, (bucket = { ok: 0, failed: 0, firstOkS: Infinity, firstFailedS: Infinity }));
    if (ok) {
      bucket.ok++;
      bucket.firstOkS = Math.min(bucket.firstOkS, dueS);
    } else {
      bucket.failed++;
      bucket.firstFailedS = Math.min(bucket.firstFailedS, dueS);
    }
  }

  /** A fault began: outages that start after it are attributed to it. */
  faultStarted(t: number, label: string): void {
    this.#faults.push({ t, label });
  }

  /** Judges every bucket that can no longer change and returns the outages that closed. */
  drain(nowS: number): OutageRecord[] {
    return this.#judgeUpTo(Math.floor((nowS - this.#settleS) / BUCKET_S));
  }

  /** At the end of the run: every bucket is final; an outage still open ends at `nowS`. */
  finish(nowS: number): OutageRecord[] {
    const last = Math.max(this.#nextToJudge - 1, ...this.#buckets.keys());
    const closed = this.#judgeUpTo(last + 1);
    const open = this.#open;
    if (open !== undefined && open.failed >= MIN_FAILED) closed.push(outage(open, nowS));
    this.#open = undefined;
    return closed;
  }

  #judgeUpTo(limit: number): OutageRecord[] {
    const closed: OutageRecord[] = [];
    for (; this.#nextToJudge < limit; this.#nextToJudge++) {
      const bucket = this.#buckets.get(this.#nextToJudge);
      if (bucket === undefined) continue;
      this.#buckets.delete(this.#nextToJudge);
      const failing = bucket.failed > 0 && bucket.failed >= bucket.ok;
      if (failing) {
        this.#open ??= { startS: bucket.firstFailedS, ok: 0, failed: 0, afterFault: this.#faultBefore(bucket.firstFailedS) };
        this.#open.ok += bucket.ok;
        this.#open.failed += bucket.failed;
      } else if (this.#open !== undefined) {
        if (this.#open.failed >= MIN_FAILED) closed.push(outage(this.#open, bucket.firstOkS));
        this.#open = undefined;
      }
    }
    return closed;
  }

  #faultBefore(t: number): string | undefined {
    let found: string | undefined;
    for (const fault of this.#faults) if (fault.t <= t) found = fault.label;
    return found;
  }
}

function outage(open: OpenOutage, endS: number): OutageRecord {
  const t = roundSeconds(open.startS);
  const end = roundSeconds(Math.max(endS, open.startS));
  const record: OutageRecord = { type: 'outage', t, end, durationS: roundSeconds(end - t), failed: open.failed, ok: open.ok };
  if (open.afterFault !== undefined) record.afterFault = open.afterFault;
  return record;
}
