import { Command } from 'commander';
// placeholder until the import module lands
export function importCommand(): Command {
  return new Command('import').description('import data');
}
