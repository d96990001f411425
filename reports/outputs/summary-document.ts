import { gateFailed } from '../gates/gate-detail.js';
import type { GateVerdict } from '../gates/gate-types.js';
import type { RunSummary } from '../summary-types.js';

// The summary JSON (`--summary-json`): the run summary plus the gates' verdicts, stamped with a
// schema id and version so pipelines and later runs (a regression baseline) can rely on it.
//
// Versioning rule, as for the results stream: `schemaVersion` is a major version. Keys may be added
// without a bump (readers ignore keys they do not know); removing or renaming a key, or changing
// what a value means or its unit, bumps it. Readers refuse a newer version than they know.

export const SUMMARY_SCHEMA = 'loadtest-summary';
export const SUMMARY_SCHEMA_VERSION = 1;

export type RunVerdict = 'pass' | 'fail' | 'error';

export interface SummaryDocument extends RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  schemaVersion: number;
  verdict: RunVerdict;
  gates: GateVerdict[];
}

export class SummaryFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'SummaryFileError';
  }
}

/**
 * A run stopped by its own gate ended as designed: the gate is the finding. Any other run that did
 * not complete (stopped by hand, or it could not be carried out) is an error, whatever its partial
 * figures say: gates on part of a schedule are no evidence either way. A completed run fails on any
 * failed gate.
 */
export function runVerdict(summary: RunSummary, gates: readonly GateVerdict[]): RunVerdict {
  if (gates.some((gate) => gate.abortedAtS !== undefined)) return 'fail';
  if (summary.status !== 'completed') return 'error';
  return gates.some(gateFailed) ? 'fail' : 'pass';
}

export function summaryDocument(summary: RunSummary, gates: readonly GateVerdict[]): SummaryDocument {
  // Id and verdict first: the keys a reader (or `head`) looks for.
  return {
    schema: SUMMARY_SCHEMA,
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    verdict: runVerdict(summary, gates),
    ...summary,
    gates: [...gates],
  };
}

/**
 * Reads a summary written earlier, e.g. as a regression baseline: checks schema and major version
 * (refuses a newer one with a clear message naming the file), and still accepts the unversioned
 * summaries of earlier releases (objects with `overall.latency` and no `schema`). Throws
 * `SummaryFileError` (own class, message starts with the file name).
 */
export function parseSummaryDocument(text: string, file: string): RunSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SummaryFileError(file, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(value)) throw new SummaryFileError(file, 'not a loadtest summary: expected a JSON object');

  if (!('schema' in value)) {
    if (!hasOverallLatency(value)) {
      throw new SummaryFileError(file, `not a loadtest summary: no "schema": "${SUMMARY_SCHEMA}" and no "overall.latency"`);
    }
    // Earlier releases wrote the summary with the threshold verdicts beside it and no stamp.
    const { thresholds: _thresholds, ...legacy } = value;
    return withDefaults(legacy);
  }

  if (value.schema !== SUMMARY_SCHEMA) {
    throw new SummaryFileError(file, `not a loadtest summary: "schema" is ${JSON.stringify(value.schema)}, expected "${SUMMARY_SCHEMA}"`);
  }
  const version = value.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new SummaryFileError(file, `"schemaVersion" must be a positive integer, found ${JSON.stringify(version)}`);
  }
  if (version > SUMMARY_SCHEMA_VERSION) {
    throw new SummaryFileError(
      file,
      `summary schema version ${version} is newer than this loadtest reads (${SUMMARY_SCHEMA_VERSION}); read it with a newer loadtest, or write the baseline again with this one`,
    );
  }
  if (!hasOverallLatency(value)) throw new SummaryFileError(file, 'not a complete loadtest summary: "overall.latency" is missing');
  const { schema: _schema, schemaVersion: _version, verdict: _verdict, gates: _gates, ...summary } = value;
  return withDefaults(summary);
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOverallLatency(value: JsonObject): boolean {
  return isObject(value.overall) && isObject(value.overall.latency);
}

/** Lists and maps that earlier releases did not write yet read as empty, so consumers need no guards. */
function withDefaults(summary: JsonObject): RunSummary {
  return {
    steps: {},
    phases: [],
    topErrors: [],
    targets: {},
    faults: [],
    outages: [],
    collectorErrors: [],
    ...summary,
  } as unknown as RunSummary;
}
