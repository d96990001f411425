import { BenchError } from './bench-error.js';

// The benches' few flags: `--name value` pairs, whole numbers unless a flag says otherwise.

export interface FlagSpec {
  /** Whole numbers of at least 1 unless `text` is set; then `text` is the message when the value is missing. */
  text?: string;
}

export function parseFlags<T extends Record<string, number | string | undefined>>(
  argv: string[],
  defaults: T,
  specs: Partial<Record<keyof T & string, FlagSpec>>,
  usage: string,
): T {
  const args: Record<string, number | string | undefined> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '-h' || flag === '--help') {
      process.stdout.write(`usage: ${usage}\n`);
      process.exit(0);
    }
    const key = flag.startsWith('--') ? flag.slice(2) : '';
    if (!Object.hasOwn(defaults, key)) throw new BenchError(`unknown argument ${flag}`);
    const text = specs[key as keyof T & string]?.text;
    if (text !== undefined) {
      if (value === undefined) throw new BenchError(text);
      args[key] = value;
    } else {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 1) throw new BenchError(`${flag} expects a whole number of at least 1, got ${value ?? 'nothing'}`);
      args[key] = n;
    }
    i++;
  }
  return args as T;
}
