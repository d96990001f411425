// A path into the scenario value ("phases", 0, "rate"), and how it is shown to people ("phases[0].rate").
// Issues carry paths so that every stage (YAML, env, schema, normalisation) can be mapped back to a
// source position by one lookup.

export type ValuePath = ReadonlyArray<string | number>;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(path: ValuePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * Turns an ajv instancePath (a JSON pointer such as "/phases/0/rate") into a ValuePath. Numeric
 * segments become numbers only where the data really is an array there, so a map key "200" stays a key.
 */
export function pathFromJsonPointer(pointer: string, data: unknown): ValuePath {
  if (pointer === '') return [];
  const path: Array<string | number> = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

export function samePath(a: ValuePath, b: ValuePath): boolean {
  return a.length === b.length && a.every((segment, index) => segment === b[index]);
}
