import { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { starterDataFiles, starterScenarioYaml } from '../scenarios/language/starter-scenario.js';
import { CliExit, EXIT } from './exit-codes.js';

export function initCommand(): Command {
  return new Command('init')
    .description('write a commented starter scenario (and the data file it uses)')
    .argument('[file]', 'where to write the scenario', 'scenario.yaml')
    .option('-f, --force', 'overwrite existing files')
    .action((file: string, flags: { force?: boolean }) => {
      const files: Array<[string, string]> = [[file, starterScenarioYaml]];
      for (const [name, content] of Object.entries(starterDataFiles)) files.push([join(dirname(file), name), content]);
      const clashing = files.filter(([path]) => existsSync(path)).map(([path]) => path);
      if (clashing.length > 0 && !flags.force) {
        throw new CliExit(EXIT.badInput, `not overwriting ${clashing.join(', ')} (use --force)`);
      }
      for (const [path, content] of files) writeFileSync(path, content);
      process.stdout.write(`wrote ${files.map(([path]) => path).join(', ')}\nnext: loadtest validate ${file} && loadtest run ${file}\n`);
    });
}
