import { Command } from 'commander';
import { scenarioJsonSchema } from '../scenarios/language/scenario-schema.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of scenario files (for editor completion and validation)')
    .action(() => {
      process.stdout.write(JSON.stringify(scenarioJsonSchema, null, 2) + '\n');
    });
}
