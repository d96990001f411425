// A small, fast JSON path subset: `$`, `.name`, `['name']` / `["name"]`, `[index]` (negative counts
// from the end) and `.length` on arrays. Compiled once into a segment list; evaluating it is a loop.

export type JsonPathSegment = string | number;

export interface JsonPath {
  /** The source text, for messages. */
  readonly source: string;
  readonly segments: readonly JsonPathSegment[];
  /** The value at the path, or undefined when any segment is missing. */
  evaluate(root: unknown): unknown;
}

export class JsonPathSyntaxError extends Error {
  constructor(path: string, position: number, expected: string) {
    super(`invalid JSON path ${JSON.stringify(path)} at ${position}: expected ${expected}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const NAME_END = /[.[]/;

export function parseJsonPath(path: string): JsonPathSegment[] {
  const segments: JsonPathSegment[] = [];
  // A path without the leading `$` ("token", "items[0]") is read as if it had one.
  if (!path.startsWith('$')) path = path.startsWith('[') ? `$${path}` : `$.${path}`;
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const rest = path.slice(i + 1);
      const end = rest.search(NAME_END);
      const name = end === -1 ? rest : rest.slice(0, end);
      if (name === '') throw new JsonPathSyntaxError(path, i + 1, 'a property name');
      segments.push(name);
      i += 1 + name.length;
    } else if (c === '[') {
      const q = path[i + 1];
      if (q === "'" || q === '"') {
        let j = i + 2;
        let name = '';
        while (j < path.length && path[j] !== q) {
          if (path[j] === '\\' && j + 1 < path.length) j++;
          name += path[j];
          j++;
        }
        if (path[j] !== q || path[j + 1] !== ']') throw new JsonPathSyntaxError(path, j, `${q}]`);
        segments.push(name);
        i = j + 2;
      } else {
        const close = path.indexOf(']', i);
        const text = close === -1 ? '' : path.slice(i + 1, close);
        if (!/^-?\d+$/.test(text)) throw new JsonPathSyntaxError(path, i + 1, 'an integer index or a quoted name');
        segments.push(Number(text));
        i = close + 1;
      }
    } else {
      throw new JsonPathSyntaxError(path, i, "'.' or '['");
    }
  }
  return segments;
}

class CompiledJsonPath implements JsonPath {
  constructor(
    readonly source: string,
    readonly segments: readonly JsonPathSegment[],
  ) {}

  evaluate(root: unknown): unknown {
    const segments = this.segments;
    let value = root;
    for (let i = 0; i < segments.length; i++) {
      if (value === null || typeof value !== 'object') return undefined;
      const seg = segments[i]!;
      if (Array.isArray(value)) {
        if (typeof seg === 'number') {
          value = value[seg < 0 ? value.length + seg : seg];
        } else if (seg === 'length') {
          value = value.length;
        } else {
          return undefined;
        }
      } else {
        const key = typeof seg === 'number' ? String(seg) : seg;
        if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
        value = (value as Record<string, unknown>)[key];
      }
    }
    return value;
  }
}

/** Parses once; throws JsonPathSyntaxError on a malformed path. */
export function compileJsonPath(path: string): JsonPath {
  return new CompiledJsonPath(path, parseJsonPath(path));
}
