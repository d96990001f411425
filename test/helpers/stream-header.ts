import { RESULTS_FORMAT, RESULTS_VERSION, type HeaderRecord } from '../../scenarios/results/results-format.js';

// A results-stream header for tests that write or build streams by hand: the format's fixed parts
// filled in, the parts a test is about given as overrides (scenario fields merge with the defaults).

export type HeaderParts = Omit<Partial<HeaderRecord>, 'scenario'> & { scenario?: Partial<HeaderRecord['scenario']> };

export function testHeader(parts: HeaderParts = {}): HeaderRecord {
  const { scenario, ...rest } = parts;
  return {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    startEpochMs: 0,
    tool: { name: 'loadtest', version: 'test' },
    mode: 'scenario',
    scenario: { name: 'known', file: '', target: 'http://127.0.0.1:9', thresholds: [], ...scenario },
    phases: [],
    histogram: { unit: 'us', significantDigits: 3 },
    generator: { hostname: 'h', cpus: 2, node: process.version, pid: process.pid },
    ...rest,
  };
}
