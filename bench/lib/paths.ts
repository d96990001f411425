import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the benches find the built tool and its peers. Compiled, this file sits in dist/bench/lib/,
// three levels below the repository root.

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
