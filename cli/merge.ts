import { Command } from 'commander';
import { MergeRefusedError } from '../scenarios/results/merge-checks.js';
import { mergeFiles } from '../scenarios/results/merge-files.js';
import { CliExit, EXIT } from './exit-codes.js';

interface MergeFlags {
  output: string;
  allowPartial?: boolean;
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge the results streams of several workers of one run into one stream, exactly (histograms added per second); report and gate the merged stream')
    .argument('<results...>', 'results.ndjson of each worker')
    .requiredOption('-o, --output <file>', 'the merged results stream to write')
    .option('--allow-partial', 'merge the segments given even when some of the run\'s segments are missing (the merged header lists them)')
    .action((files: string[], flags: MergeFlags) => {
      let written;
      try {
        written = mergeFiles(files, flags.output, { allowPartial: flags.allowPartial === true });
      } catch (error) {
        if (error instanceof MergeRefusedError) throw new CliExit(EXIT.badInput, `loadtest merge: ${error.message}`);
        throw error;
      }
      process.stderr.write(`merged ${files.length} worker${files.length === 1 ? '' : 's'} into ${flags.output}: ${written.records} records, ${written.requests} requests, ${written.status}\n`);
    });
}
