// `--start-at`: workers on different machines (or pods scheduled at different moments) begin their
// load at one wall-clock instant, so their segments interleave as one generator's would. The wait
// comes after the targets are up and before the run's clock starts, so t = 0 is the start time.

const POLL_MS = 100;
/** Later than this past the start time, a worker is out of step with the others and says so. */
const LATE_MS = 1000;

export function parseStartTime(text: string, now = Date.now()): number {
  const trimmed = text.trim();
  const relative = /^\+(\d+(?:\.\d+)?)s$/.exec(trimmed);
  if (relative) return now + Number(relative[1]) * 1000;
  const epoch = /^\d{12,}$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isFinite(epoch)) throw new Error(`expected a start time: an ISO 8601 time (2030-01-01T12:00:00Z), epoch milliseconds or +30s, got ${JSON.stringify(text)}`);
  return epoch;
}

/** Waits until `startAtEpochMs` or until `stopping()`; notes how long it waits, or that it is late. */
export async function waitForStart(startAtEpochMs: number, note: (level: 'info' | 'warning', message: string) => void, stopping: () => boolean): Promise<void> {
  const waitMs = startAtEpochMs - Date.now();
  if (waitMs < -LATE_MS) {
    note('warning', `the start time ${new Date(startAtEpochMs).toISOString()} passed ${(-waitMs / 1000).toFixed(1)} s ago: starting now, out of step with the other workers`);
    return;
  }
  if (waitMs <= 0) return;
  note('info', `waiting ${(waitMs / 1000).toFixed(1)} s for the start time ${new Date(startAtEpochMs).toISOString()}`);
  while (!stopping() && Date.now() < startAtEpochMs) await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, startAtEpochMs - Date.now())));
}
