// "did you mean …?" suggestions for unknown keys and enum values.

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions, so "rtae" is 1 from "rate". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]![j]!;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known word closest to `word`, if it is a plausible typo: within a third of the word's length in
 * edits (at least 1), or a prefix of it ("rand" → "random"). Compared case-insensitively; ties go to the
 * earlier candidate. The bound is tight on purpose: suggesting "name" for "rate" misleads more than it helps.
 */
export function nearestKey(word: string, candidates: Iterable<string>): string | undefined {
  const needle = word.toLowerCase();
  const limit = Math.max(1, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const distance = needle.length >= 3 && known.startsWith(needle) ? 0.5 : editDistance(needle, known);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "rate"?` or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const nearest = nearestKey(word, candidates);
  return nearest === undefined ? '' : `; did you mean ${JSON.stringify(nearest)}?`;
}
