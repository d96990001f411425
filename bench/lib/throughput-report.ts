import { GENERATOR_CORE, TARGET_CORE } from './cores.js';
import { fmtInt, fmtRatio, median, table } from './format.js';

// The throughput bench's result: per tool medians over rounds, then ratios against the peers.
// A pure function of the legs.

export type Tool = 'autocannon' | 'bench' | 'run' | 'artillery';

export const LABEL: Record<Tool, string> = {
  autocannon: 'autocannon',
  bench: 'loadtest bench',
  run: 'loadtest run',
  artillery: 'artillery',
};

export interface Leg {
  tool: Tool;
  round: number;
  ok: boolean;
  rps: number;
  requests: number;
  errors: number;
  cpuUs: number;
  /** Share of one core the nginx worker used during the leg. */
  targetCpu: number;
  /** Share of one core that other processes used on the two benchmark cores: noise. */
  otherCpu: number;
  note?: string;
}

export interface ReportInput {
  seconds: number;
  connections: number;
  rounds: number;
  tools: Tool[];
  legs: Leg[];
  versions: Record<string, string>;
  /** Why the Artillery leg did not run, when it did not. */
  skipped: string | undefined;
}

export function throughputReport({ seconds, connections, rounds, tools, legs, versions, skipped }: ReportInput): string {
  const lines: string[] = [];
  lines.push(
    `throughput: nginx ${versions.nginx} (1 worker, core ${TARGET_CORE}) ← each generator on core ${GENERATOR_CORE}; ` +
      `${connections} connections, ${seconds} s per leg, ${rounds} round(s) in alternating order; medians over rounds`,
  );
  lines.push('');
  const rows: string[][] = [['tool', 'req/s', 'CPU µs/req', 'errors', 'nginx CPU', 'other load', 'rounds ok']];
  for (const tool of tools) {
    const good = legs.filter((l) => l.tool === tool && l.ok);
    const name = `${LABEL[tool]}${versions[tool] ? ` ${versions[tool]}` : ''}`;
    if (good.length === 0) {
      rows.push([name, '-', '-', '-', '-', '-', `0/${rounds}`]);
      continue;
    }
    rows.push([
      name,
      fmtInt(median(good.map((l) => l.rps))),
      median(good.map((l) => l.cpuUs / Math.max(1, l.requests))).toFixed(1),
      fmtInt(median(good.map((l) => l.errors))),
      `${Math.round(median(good.map((l) => l.targetCpu)) * 100)}%`,
      `${Math.round(median(good.map((l) => l.otherCpu)) * 100)}%`,
      `${good.length}/${rounds}`,
    ]);
  }
  if (skipped !== undefined) rows.push([LABEL.artillery, '-', '-', '-', '-', '-', 'skipped']);
  lines.push(table(rows));
  lines.push('');

  // Ratios are taken round by round (the two legs of a pair ran minutes apart at most), then the
  // median over rounds.
  const ratioRows: string[][] = [['ratio', 'throughput', 'CPU per request']];
  const pairs: Array<[Tool, Tool]> = [
    ['bench', 'autocannon'],
    ['run', 'autocannon'],
    ['bench', 'artillery'],
    ['run', 'artillery'],
  ];
  for (const [a, b] of pairs) {
    const tp: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const la = legs.find((l) => l.tool === a && l.round === r && l.ok);
      const lb = legs.find((l) => l.tool === b && l.round === r && l.ok);
      if (la === undefined || lb === undefined || lb.rps === 0 || la.requests === 0 || lb.requests === 0) continue;
      tp.push(la.rps / lb.rps);
      cpu.push(la.cpuUs / la.requests / (lb.cpuUs / lb.requests));
    }
    const name = `${a}/${b}`;
    if (tp.length === 0) ratioRows.push([name, 'n/a', b === 'artillery' && skipped !== undefined ? 'n/a (artillery skipped)' : 'n/a']);
    else ratioRows.push([name, fmtRatio(median(tp)), fmtRatio(median(cpu))]);
  }
  lines.push(table(ratioRows));
  lines.push('  throughput: higher is better; CPU per request: lower is better (utime+stime of the whole generator process, start-up included)');
  lines.push('  nginx CPU: its worker, % of its core; other load: CPU other processes took on the two cores meanwhile (noise)');
  for (const leg of legs.filter((l) => !l.ok)) lines.push(`  ! ${LABEL[leg.tool]} round ${leg.round + 1} failed: ${leg.note}`);
  if (skipped !== undefined) lines.push(`  artillery: ${skipped}`);
  const saturated = legs.filter((l) => l.ok && l.targetCpu > 0.95);
  if (saturated.length > 0) lines.push('  note: nginx was near 100% of its core in some legs: those figures are capped by the target, not the generator');
  return lines.join('\n') + '\n';
}
