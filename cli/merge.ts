import { renameSync, rmSync } from 'node:fs';
import { Command } from 'commander';
import { mergeResults, MergeRefusedError } from '../scenarios/results/merge-streams.js';
import { readResults } from '../scenarios/results/results-reader.js';
import type { EndRecord } from '../scenarios/results/results-format.js';
import { ResultsWriter } from '../scenarios/results/results-writer.js';
import { CliExit, EXIT } from './exit-codes.js';

interface MergeFlags {
  output: string;
  allowPartial?: boolean;
}

/** Records per write: whole lines in bounded strings, however long the merged run. */
const BATCH = 10_000;

export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge the results streams of several workers of one run into one stream, exactly (histograms added per second); report and gate the merged stream')
    .argument('<results...>', 'results.ndjson of each worker')
    .requiredOption('-o, --output <file>', 'the merged results stream to write')
    .option('--allow-partial', 'merge the segments given even when some of the run\'s segments are missing (the merged header lists them)')
    .action((files: string[], flags: MergeFlags) => {
      let written: MergeWritten;
      try {
        written = mergeStreamFiles(files, flags.output, { allowPartial: flags.allowPartial === true });
      } catch (error) {
        if (error instanceof MergeRefusedError) throw new CliExit(EXIT.badInput, `loadtest merge: ${error.message}`);
        throw error;
      }
      const status = written.status === undefined ? '' : `, ${written.status}`;
      process.stderr.write(`merged ${files.length} worker${files.length === 1 ? '' : 's'} into ${flags.output}: ${written.records} records, ${written.requests} requests${status}\n`);
    });
}

export interface MergeWritten {
  records: number;
  requests: number;
  status: EndRecord['status'] | undefined;
}

/**
 * Reads the worker streams, merges them and writes the merged stream atomically (beside it, then
 * renamed), so a reader never sees half a stream. Throws ResultsFileError for an unreadable input
 * and MergeRefusedError for streams that are not one run's.
 */
export function mergeStreamFiles(files: readonly string[], output: string, options: { allowPartial?: boolean } = {}): MergeWritten {
  const merged = mergeResults(
    files.map((file) => readResults(file)),
    { files, allowPartial: options.allowPartial === true },
  );
  const temporary = `${output}.${process.pid}.tmp`;
  try {
    const writer = new ResultsWriter(temporary, merged.header);
    for (let i = 0; i < merged.records.length; i += BATCH) writer.append(merged.records.slice(i, i + BATCH));
    writer.close();
    renameSync(temporary, output);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  let requests = 0;
  for (const record of merged.records) if (record.type === 'step') requests += record.count;
  const end = merged.records[merged.records.length - 1];
  return { records: merged.records.length, requests, status: end?.type === 'end' ? end.status : undefined };
}
