// Leader failover, measured so that every counted kill is a real one.
//
// One kill, step by step:
//   1. wait until the cluster is healthy: every member up and answering, all agreeing on one leader
//      and one term, every member's applied index equal (caught up; no writes are running then);
//   2. the leader L and term T are those all members agree on; the survivors are the others;
//   3. a prober starts a write every PROBE_EVERY_MS, round-robin over the survivors only (never L),
//      each with a PROBE_TIMEOUT_MS timeout, and keeps going whatever the outcome (open loop, so a
//      stuck request never delays the next one);
//   4. just before the kill L is asked again: still leader of T, else the attempt is void;
//   5. SIGKILL to L's PID, then /proc is polled until the process is gone (or a zombie): `deadAt`;
//   6. the window is from `deadAt` to the acknowledgement of the first write *sent* at or after
//      `deadAt`. A write sent before that instant never counts, even if its answer comes later;
//   7. the survivors are asked for their term and leader: the kill counts only if the term is
//      greater than T and the leader is another member. Otherwise it is void, reported, and retried
//      (at most `retries` extra attempts per kill);
//   8. L is restarted and the cluster must be healthy again (step 1) before the next kill.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { BenchError } from './bench-error.js';
import { median } from './format.js';
import { sleep } from './processes.js';

const PROBE_EVERY_MS = 5;
const PROBE_TIMEOUT_MS = 500;
const MAX_IN_FLIGHT = 256;
const WARM_MS = 500;
const RECOVERY_LIMIT_MS = 30_000;
const SETTLE_LIMIT_MS = 60_000;

/** One member as it answered (null view: down or not answering). */
export interface MemberState {
  id: string;
  clientUrl: string;
  pid: number | null;
  view: { term: number; leader: string | null; role: 'leader' | 'other'; applied: number; commit: number } | null;
}

/** How the failover bench reads and restarts one system. */
export interface FailoverTarget {
  name: string;
  members(): Promise<MemberState[]>;
  /** Starts a killed member again (it rejoins from its data dir). */
  restart(id: string): Promise<void>;
  /** Tells the system the member was killed (e.g. forget its child handle). */
  killed(id: string): void;
}

export interface KillAttempt {
  leaderBefore: string;
  termBefore: number;
  leaderAfter: string | null;
  termAfter: number | null;
  /** ms from the SIGKILL call to the process confirmed gone. */
  signalToDeadMs: number;
  /** ms from the process confirmed gone to the first acknowledged write sent after it. */
  windowMs: number;
  valid: boolean;
  reason: string;
}

export interface FailoverResult {
  counted: KillAttempt[];
  voided: KillAttempt[];
  windows: number[];
  median: number;
}

export async function measureFailover(target: FailoverTarget, kills: number, retries: number, log: (line: string) => void): Promise<FailoverResult> {
  const counted: KillAttempt[] = [];
  const voided: KillAttempt[] = [];
  for (let k = 0; k < kills; k++) {
    let done = false;
    for (let attempt = 0; attempt <= retries && !done; attempt++) {
      const a = await oneKill(target);
      log(`${target.name} kill ${k + 1}${attempt > 0 ? ` (retry ${attempt})` : ''}: ${describe(a)}`);
      if (a.valid) {
        counted.push(a);
        done = true;
      } else voided.push(a);
    }
    if (!done) throw new BenchError(`${target.name}: kill ${k + 1} was not a real leader failover in ${retries + 1} attempts`);
  }
  const windows = counted.map((a) => a.windowMs);
  return { counted, voided, windows, median: median(windows) };
}

export function describe(a: KillAttempt): string {
  return (
    `leader ${a.leaderBefore} term ${a.termBefore} → leader ${a.leaderAfter ?? '?'} term ${a.termAfter ?? '?'}; ` +
    `window ${a.windowMs.toFixed(0)} ms (SIGKILL→dead ${a.signalToDeadMs.toFixed(1)} ms)${a.valid ? '' : ` — VOID: ${a.reason}`}`
  );
}

/** Every member up, one leader and one term agreed by all, applied indices equal. */
export function healthy(members: readonly MemberState[]): { leader: string; term: number } | null {
  const views = members.map((m) => (m.pid === null ? null : m.view));
  if (views.some((v) => v === null)) return null;
  const vs = views as NonNullable<MemberState['view']>[];
  const first = vs[0]!;
  if (first.leader === null) return null;
  if (!vs.every((v) => v.leader === first.leader && v.term === first.term && v.applied === first.applied && v.commit === first.commit)) return null;
  const leader = members.find((m) => m.id === first.leader);
  if (leader?.view?.role !== 'leader') return null;
  return { leader: first.leader, term: first.term };
}

export async function waitHealthy(target: FailoverTarget, limitMs = SETTLE_LIMIT_MS): Promise<{ leader: string; term: number; members: MemberState[] }> {
  const until = performance.now() + limitMs;
  let last: MemberState[] = [];
  while (performance.now() < until) {
    last = await target.members();
    const h = healthy(last);
    if (h !== null) return { ...h, members: last };
    await sleep(50);
  }
  const seen = last.map((m) => `${m.id}:${m.view === null ? 'down' : `term ${m.view.term} leader ${m.view.leader} applied ${m.view.applied}`}`).join(', ');
  throw new BenchError(`${target.name}: the cluster was not healthy (all up, one leader, caught up) within ${limitMs} ms (${seen})`);
}

interface Probe {
  sentAt: number;
  ackAt: number;
}

/** Open-loop writes round-robin over `urls` until stopped; keeps each acknowledged write's send and ack times. */
function startProber(urls: readonly string[]): { acked: Probe[]; failed: () => number; stop: () => Promise<void> } {
  const pools = urls.map((u) => new Pool(u, { connections: 64, pipelining: 1 }));
  const acked: Probe[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  let n = 0;
  const one = async (pool: Pool, i: number): Promise<void> => {
    const sentAt = performance.now();
    try {
      const res = await pool.request({
        path: '/v3/kv/put',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: Buffer.from(`failover/probe/${i % 64}`).toString('base64'), value: Buffer.from(String(sentAt)).toString('base64') }),
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const text = await res.body.text();
      // etcd's gateway answers some errors with 200 and an error body: only a header counts.
      if (res.statusCode === 200 && text.includes('"header"')) acked.push({ sentAt, ackAt: performance.now() });
      else failed++;
    } catch {
      failed++;
    }
  };
  const timer = setInterval(() => {
    if (inFlight.size >= MAX_IN_FLIGHT) return;
    const i = n++;
    const p = one(pools[i % pools.length]!, i);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, PROBE_EVERY_MS);
  return {
    acked,
    failed: () => failed,
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      await Promise.all(pools.map((p) => p.destroy()));
    },
  };
}

/** Gone, or a zombie (it has exited; only its exit status is left). */
function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

async function killAndConfirm(pid: number): Promise<{ signalAt: number; deadAt: number }> {
  const signalAt = performance.now();
  process.kill(pid, 'SIGKILL');
  const until = signalAt + 5000;
  while (!processGone(pid)) {
    if (performance.now() > until) throw new BenchError(`process ${pid} still alive 5 s after SIGKILL`);
    await new Promise((r) => setImmediate(r));
  }
  return { signalAt, deadAt: performance.now() };
}

async function oneKill(target: FailoverTarget): Promise<KillAttempt> {
  const before = await waitHealthy(target);
  const victim = before.members.find((m) => m.id === before.leader)!;
  const survivors = before.members.filter((m) => m.id !== before.leader);
  if (victim.pid === null) throw new BenchError(`${target.name}: leader ${victim.id} has no PID`);
  const prober = startProber(survivors.map((m) => m.clientUrl));
  let result: KillAttempt;
  try {
    await sleep(WARM_MS);
    const base = { leaderBefore: before.leader, termBefore: before.term, leaderAfter: null, termAfter: null, signalToDeadMs: NaN, windowMs: NaN };
    if (prober.acked.length === 0) return { ...base, valid: false, reason: 'no write succeeded through the survivors before the kill' };
    const now = (await target.members()).find((m) => m.id === victim.id);
    if (now?.pid !== victim.pid || now.view?.role !== 'leader' || now.view.term !== before.term) {
      return { ...base, valid: false, reason: `leadership moved before the kill (${victim.id} now ${now?.view?.role ?? 'down'} in term ${now?.view?.term ?? '?'})` };
    }
    const { signalAt, deadAt } = await killAndConfirm(victim.pid);
    target.killed(victim.id);
    const until = performance.now() + RECOVERY_LIMIT_MS;
    const firstAfter = (t: number): Probe | undefined => prober.acked.filter((p) => p.sentAt >= t).sort((a, b) => a.ackAt - b.ackAt)[0];
    while (firstAfter(deadAt) === undefined && performance.now() < until) await sleep(5);
    const first = firstAfter(deadAt);
    base.signalToDeadMs = deadAt - signalAt;
    if (first === undefined) return { ...base, valid: false, reason: `no write acknowledged within ${RECOVERY_LIMIT_MS} ms of the kill` };
    base.windowMs = first.ackAt - deadAt;
    // The survivors' view after recovery: they agree on a leader and a term (they just took a write).
    let after: { leader: string | null; term: number | null } = { leader: null, term: null };
    const settleUntil = performance.now() + 5000;
    while (performance.now() < settleUntil) {
      const views = (await target.members()).filter((m) => m.id !== victim.id).map((m) => m.view);
      const v0 = views[0];
      if (v0 != null && v0.leader !== null && views.every((v) => v != null && v.leader === v0.leader && v.term === v0.term)) {
        after = { leader: v0.leader, term: v0.term };
        break;
      }
      await sleep(20);
    }
    const { leader: leaderAfter, term: termAfter } = after;
    const reasons: string[] = [];
    if (termAfter === null || !(termAfter > before.term)) reasons.push(`term did not advance (${before.term} → ${termAfter ?? '?'})`);
    if (leaderAfter === null || leaderAfter === victim.id) reasons.push(`no new leader (${leaderAfter ?? 'none'})`);
    result = { ...base, leaderAfter, termAfter, valid: reasons.length === 0, reason: reasons.join('; ') };
  } finally {
    await prober.stop();
    // Whatever happened, the victim is started again and the cluster settles before anything else.
    if ((await target.members()).find((m) => m.id === victim.id)?.pid === null) await target.restart(victim.id);
    await waitHealthy(target);
  }
  return result;
}
