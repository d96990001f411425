// Maps a ValuePath back to the line and column of the YAML node it came from, so that issues found on
// the plain JS value (by ajv or the normaliser) still point at the text the user wrote.

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ValuePath } from './value-path.js';

export interface SourcePosition {
  line: number;
  column: number;
}

/** 'key' points at a mapping key (unknown keys); 'value' at the value under it. */
export type PositionTarget = 'key' | 'value';

export interface PositionLookup {
  positionOf(path: ValuePath, target?: PositionTarget): SourcePosition | undefined;
}

/** For sources without text positions (module scenarios). */
export const noPositions: PositionLookup = { positionOf: () => undefined };

export function yamlPositions(doc: Document, lineCounter: LineCounter): PositionLookup {
  const at = (node: { range?: [number, number, number] | null } | null | undefined): SourcePosition | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  return {
    positionOf(path, target = 'value') {
      let node = doc.contents as Node | null;
      // When the path runs past what the document holds (a missing key), the deepest node found is the
      // best place to point: the mapping that lacks the key.
      let best = at(node) ?? { line: 1, column: 1 };
      for (let index = 0; index < path.length; index++) {
        if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
        const segment = path[index]!;
        const last = index === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
          if (!pair) return best;
          const keyPosition = at(pair.key as Node);
          if ((last && target === 'key') || pair.value === null) return keyPosition ?? best;
          node = pair.value as Node;
        } else if (isSeq(node) && typeof segment === 'number') {
          const item = node.items[segment];
          if (item === undefined) return best;
          node = item as Node | null;
        } else {
          return best;
        }
        best = at(node) ?? best;
      }
      return best;
    },
  };
}
