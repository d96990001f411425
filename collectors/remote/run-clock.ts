// Remote sources stamp their readings in wall-clock time (a Prometheus point's unix seconds, a
// metrics-server window's end); samples are stamped on the run clock. Both clocks are read at the
// same moment (`nowMs` on the run clock, Date.now() on the wall), so a wall time maps by its
// distance from now. A remote clock ahead of ours would put a reading after `nowMs`: it is clamped,
// since a sample cannot end after the moment it was collected.

export function wallToRunClock(wallMs: number, nowMs: number, wallNowMs: number): number {
  return Math.min(nowMs, nowMs - (wallNowMs - wallMs));
}
