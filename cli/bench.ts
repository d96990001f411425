import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../scenarios/language/duration.js';
import { MaxThroughputOptionError } from '../scenarios/max-throughput/options.js';
import { startBench } from '../scenarios/max-throughput/run-bench.js';
import { CliExit, EXIT } from './exit-codes.js';
import { awaitRun, defaultOutDir } from './await-run.js';
import { ProgressDisplay } from './progress.js';
import { terminalCaps } from './terminal.js';

interface BenchFlags {
  connections: number;
  duration: number;
  pipelining: number;
  method: string;
  header: Record<string, string>;
  body?: string;
  timeout: number;
  maxRequests?: number;
  out?: string;
  summaryJson?: string;
  quiet?: boolean;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('hit one URL as fast as it will answer (closed loop, keep-alive) and write the same results stream as run')
    .argument('<url>', 'http:// URL to request')
    .option('-c, --connections <n>', 'sockets kept open', positiveInt('--connections'), 10)
    .option('-d, --duration <time>', 'how long to run, e.g. 10s, 1m', duration('--duration'), 10_000)
    .option('-p, --pipelining <n>', 'requests in flight per socket', positiveInt('--pipelining'), 1)
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option('-H, --header <header>', 'request header "name: value" (repeatable)', header, {})
    .option('-b, --body <text>', 'request body')
    .option('--timeout <time>', 'per-request timeout', duration('--timeout'), 10_000)
    .option('--max-requests <n>', 'stop after this many requests', positiveInt('--max-requests'))
    .option('-o, --out <dir>', 'directory for results.ndjson (default: results/bench-<time>)')
    .option('--summary-json <file>', 'write the run summary as JSON')
    .option('-q, --quiet', 'no progress and no summary on the terminal')
    .action(async (url: string, flags: BenchFlags) => {
      checkUrl(url);
      const outDir = flags.out ?? defaultOutDir('bench');
      const caps = terminalCaps();
      const progress = new ProgressDisplay(caps);
      let handle: ReturnType<typeof startBench>;
      try {
        handle = startBench(
          {
            url,
            method: flags.method,
            headers: flags.header,
            body: flags.body,
            connections: flags.connections,
            pipelining: flags.pipelining,
            durationMs: flags.duration,
            maxRequests: flags.maxRequests,
            timeoutMs: flags.timeout,
          },
          { outDir, onInterval: flags.quiet ? undefined : (snapshot) => progress.update(snapshot) },
        );
      } catch (error) {
        if (error instanceof MaxThroughputOptionError) throw new CliExit(EXIT.badInput, `loadtest bench: ${error.message}`);
        throw error;
      }

      await awaitRun(handle, {
        label: 'bench',
        outDir,
        progress,
        caps,
        stopMessage: 'stopping: in-flight requests are interrupted',
        gates: {},
        outputs: flags.summaryJson === undefined ? {} : { summaryJson: flags.summaryJson },
        quiet: flags.quiet,
      });
    });
}

function checkUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliExit(EXIT.badInput, `loadtest bench: not a valid URL: ${JSON.stringify(text)} (expected e.g. http://127.0.0.1:8080/)`);
  }
  if (url.protocol !== 'http:') {
    throw new CliExit(EXIT.badInput, `loadtest bench: only http:// URLs are supported, got ${url.protocol}//`);
  }
}

function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} expects a whole number of at least 1, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

function duration(flag: string): (value: string) => number {
  return (value) => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (error) {
      throw new InvalidArgumentError(`${flag}: ${(error as Error).message}`);
    }
    if (ms <= 0) throw new InvalidArgumentError(`${flag} must be longer than 0, got ${JSON.stringify(value)}`);
    return ms;
  };
}

function header(value: string, previous: Record<string, string>): Record<string, string> {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError(`--header expects "name: value", got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, colon).trim()]: value.slice(colon + 1).trim() };
}
