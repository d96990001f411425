import { Command } from 'commander';
import { SUMMARY_JSON_SCHEMA } from '../reports/outputs/summary-json-schema.js';
import { scenarioJsonSchema } from '../scenarios/language/scenario-schema.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of scenario files (for editor completion and validation), or with --summary of the summary JSON')
    .option('--summary', 'print the JSON Schema of the summary JSON written by --summary-json instead (every key documented)')
    .action((flags: { summary?: boolean }) => {
      const schema = flags.summary === true ? SUMMARY_JSON_SCHEMA : scenarioJsonSchema;
      process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
    });
}
