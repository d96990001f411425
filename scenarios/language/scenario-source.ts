// Reads a scenario file into a plain value plus a way to find source positions: YAML (and JSON, which is
// YAML) through eemeli/yaml's Document so every node keeps its line and column; .ts modules through tsx;
// .js/.mjs modules through import(). Modules have no positions: their issues carry the path only.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { ScenarioIssue } from './scenario-error.js';
import { noPositions, yamlPositions, type PositionLookup } from './source-positions.js';

export type ScenarioSource =
  | { ok: true; value: unknown; positions: PositionLookup }
  | { ok: false; issues: ScenarioIssue[] };

const YAML_EXTENSIONS = ['.yaml', '.yml', '.json'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];
const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** `absolute` is read; `shown` is how the file is named in issues. */
export async function readScenarioSource(absolute: string, shown: string): Promise<ScenarioSource> {
  const fail = (message: string, line?: number, column?: number): ScenarioSource => {
    const issue: ScenarioIssue = { file: shown, path: '', message };
    if (line !== undefined) Object.assign(issue, { line, column });
    return { ok: false, issues: [issue] };
  };
  const kind = extname(absolute).toLowerCase();
  if (YAML_EXTENSIONS.includes(kind)) {
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      return fail(readProblem(error));
    }
    return fromYaml(text, shown);
  }
  if (TS_EXTENSIONS.includes(kind) || JS_EXTENSIONS.includes(kind)) {
    let module: { default?: unknown };
    try {
      const url = pathToFileURL(absolute).href;
      if (TS_EXTENSIONS.includes(kind)) {
        const { tsImport } = await import('tsx/esm/api');
        module = (await tsImport(url, import.meta.url)) as { default?: unknown };
      } else {
        module = (await import(url)) as { default?: unknown };
      }
    } catch (error) {
      // A module that imports something missing fails the same way as a missing file: tell them apart.
      if (!existsSync(absolute)) return fail('file not found');
      return fail(`cannot load module: ${oneLine((error as Error).message ?? String(error))}`);
    }
    const value = module.default;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fail('a scenario module must `export default` the scenario object');
    }
    return { ok: true, value, positions: noPositions };
  }
  return fail(`unsupported scenario file type "${kind || '(none)'}"; use .yaml, .yml, .json, .ts, .js or .mjs`);
}

/** Parses YAML text; syntax errors are reported with the yaml library's own line and column. */
export function fromYaml(text: string, shown: string): ScenarioSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => {
        const position = error.linePos?.[0];
        // prettyErrors appends " at line L, column C:" and a code excerpt; the position is shown already.
        const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
        const issue: ScenarioIssue = { file: shown, path: '', message: `invalid YAML: ${message}` };
        if (position) Object.assign(issue, { line: position.line, column: position.col });
        return issue;
      }),
    };
  }
  return { ok: true, value: doc.toJS(), positions: yamlPositions(doc, lineCounter) };
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, not a scenario file';
  return `cannot read: ${(error as Error).message}`;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, 3)
    .join(' | ');
}
