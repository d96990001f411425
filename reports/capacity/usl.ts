// The Universal Scalability Law (Gunther): throughput at N replicas
//   X(N) = γN / (1 + α(N−1) + βN(N−1))
// γ is one replica's throughput, α the share of work that serialises (contention: queueing on a
// shared lock, leader, database), β the cost of keeping replicas coherent, paid per pair (crosstalk:
// every write fanned out to every peer). With β > 0 throughput peaks at N* = sqrt((1−α)/β) and falls
// beyond it. We fit it to the knees measured at several replica counts so that the model can say a
// tier does not scale instead of assuming it does.
//
// Fit: least squares on throughput with α, β ≥ 0. For fixed (α, β) the model is linear in γ, so γ has
// a closed form and the search is over two parameters only: a coarse log-spaced grid (which
// includes α = 0 and β = 0 exactly, so a linear tier is found as linear), then a bounded
// Levenberg–Marquardt refinement from the best grid cell and from the best cells on each boundary.
// The grid means no starting guess to get wrong; the projection means no negative coefficients. Fewer distinct replica counts fit fewer parameters: with two,
// β is fixed at 0 (two points cannot tell contention from crosstalk); with one, only γ.

export interface UslPoint {
  replicas: number;
  throughput: number;
}

export interface UslFit {
  gamma: number;
  alpha: number;
  beta: number;
  /**
   * Where throughput peaks, as a real N: sqrt((1−α)/β). Null when β ≈ 0 and α < 1: throughput only
   * approaches its ceiling γ/α, there is no peak. 1 when α ≥ 1: more replicas never help.
   */
  peakReplicas: number | null;
  /** 1 − SSE/SST over the points; null with fewer than two points or when throughput never varies. */
  rSquared: number | null;
  /** Points minus fitted parameters: 0 means the curve passes through the points by construction. */
  degreesOfFreedom: number;
  /** How many parameters were fitted: 1 (γ), 2 (γ, α) or 3 (γ, α, β). */
  parametersFitted: 1 | 2 | 3;
  points: UslPoint[];
  predicted(replicas: number): number;
}

/** Below this β the coherency cost is under one millionth per pair: any peak lies past 1000 replicas. */
const NEGLIGIBLE_BETA = 1e-6;

export function fitUsl(points: ReadonlyArray<UslPoint>): UslFit {
  if (points.length === 0) throw new RangeError('fitUsl needs at least one point');
  for (const p of points) {
    if (!(Number.isFinite(p.replicas) && p.replicas > 0)) throw new RangeError(`replica count must be positive, got ${p.replicas}`);
    if (!(Number.isFinite(p.throughput) && p.throughput >= 0)) throw new RangeError(`throughput must be a non-negative number, got ${p.throughput}`);
  }
  const pts = points.map((p) => ({ replicas: p.replicas, throughput: p.throughput }));
  const distinctCounts = new Set(pts.map((p) => p.replicas)).size;
  const parametersFitted = distinctCounts >= 3 ? 3 : distinctCounts === 2 ? 2 : 1;

  let alpha = 0;
  let beta = 0;
  if (parametersFitted >= 2) {
    const best = searchCoefficients(pts, parametersFitted === 3);
    alpha = best.alpha;
    beta = best.beta;
  }
  return fitWith(pts, alpha, beta, parametersFitted);
}

/** Linear scaling through the points (α = β = 0, γ by least squares), for when the data cannot tell more. */
export function linearFit(points: ReadonlyArray<UslPoint>): UslFit {
  if (points.length === 0) throw new RangeError('linearFit needs at least one point');
  return fitWith(points.map((p) => ({ replicas: p.replicas, throughput: p.throughput })), 0, 0, 1);
}

function fitWith(pts: UslPoint[], alpha: number, beta: number, parametersFitted: 1 | 2 | 3): UslFit {
  const gamma = bestGamma(pts, alpha, beta);
  const predicted = (n: number): number => uslThroughput(n, alpha, beta, gamma);
  return {
    gamma,
    alpha,
    beta,
    peakReplicas: peakOf(alpha, beta),
    rSquared: rSquared(pts, predicted),
    degreesOfFreedom: pts.length - parametersFitted,
    parametersFitted,
    points: pts,
    predicted,
  };
}

/** The whole replica count, 1…cap, at which the fitted curve is highest: the most worth running. */
export function bestWholeReplicas(fit: UslFit, cap: number): number {
  let best = 1;
  for (let n = 2; n <= cap; n++) if (fit.predicted(n) > fit.predicted(best) * (1 + 1e-12)) best = n;
  return best;
}

/** X(N) = γN / (1 + α(N−1) + βN(N−1)): the law itself. */
export function uslThroughput(n: number, alpha: number, beta: number, gamma: number): number {
  return (gamma * n) / denominator(n, alpha, beta);
}

/** Throughput at N as a share of N independent replicas: 1 / (1 + α(N−1) + βN(N−1)). */
export function scalingEfficiency(fit: UslFit, replicas: number): number {
  return 1 / denominator(replicas, fit.alpha, fit.beta);
}

function denominator(n: number, alpha: number, beta: number): number {
  return 1 + alpha * (n - 1) + beta * n * (n - 1);
}

function peakOf(alpha: number, beta: number): number | null {
  if (alpha >= 1) return 1;
  if (beta <= NEGLIGIBLE_BETA) return null;
  return Math.max(1, Math.sqrt((1 - alpha) / beta));
}

/** For fixed α and β, X = γ·f(N) with f = N/denominator: γ minimising the squared error is Σxf/Σf². */
function bestGamma(pts: readonly UslPoint[], alpha: number, beta: number): number {
  let xf = 0;
  let ff = 0;
  for (const p of pts) {
    const f = p.replicas / denominator(p.replicas, alpha, beta);
    xf += p.throughput * f;
    ff += f * f;
  }
  return ff > 0 ? xf / ff : 0;
}

function squaredError(pts: readonly UslPoint[], alpha: number, beta: number): number {
  const gamma = bestGamma(pts, alpha, beta);
  let sse = 0;
  for (const p of pts) {
    const r = p.throughput - (gamma * p.replicas) / denominator(p.replicas, alpha, beta);
    sse += r * r;
  }
  return sse;
}

function logSpaced(from: number, to: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(from * (to / from) ** (i / (count - 1)));
  return out;
}

function searchCoefficients(pts: readonly UslPoint[], fitBeta: boolean): { alpha: number; beta: number } {
  const alphas = [0, ...logSpaced(1e-4, 20, 60)];
  const betas = fitBeta ? [0, ...logSpaced(1e-7, 2, 60)] : [0];
  // The best grid cell overall, and the best on each boundary (β = 0, α = 0): the optimum of a
  // bounded fit often sits on a boundary, and refining from inside the valley creeps towards it
  // slowly, so each boundary is refined on its own and the lowest error wins.
  let overall = { alpha: 0, beta: 0, sse: Infinity };
  let noBeta = { alpha: 0, beta: 0, sse: Infinity };
  let noAlpha = { alpha: 0, beta: 0, sse: Infinity };
  for (const alpha of alphas) {
    for (const beta of betas) {
      const sse = squaredError(pts, alpha, beta);
      if (sse < overall.sse) overall = { alpha, beta, sse };
      if (beta === 0 && sse < noBeta.sse) noBeta = { alpha, beta, sse };
      if (alpha === 0 && sse < noAlpha.sse) noAlpha = { alpha, beta, sse };
    }
  }
  const candidates = [refine(pts, noBeta, { alpha: true, beta: false })];
  if (fitBeta) candidates.push(refine(pts, overall, { alpha: true, beta: true }), refine(pts, noAlpha, { alpha: false, beta: true }));
  return candidates.reduce((a, b) => (b.sse < a.sse ? b : a));
}

interface Coefficients {
  alpha: number;
  beta: number;
  sse: number;
}

/**
 * Levenberg–Marquardt on (α, β) with γ profiled out (its closed form is recomputed at every
 * point), steps projected onto α, β ≥ 0. Central-difference Jacobian: the model is smooth and
 * cheap. A step is kept only when it lowers the squared error, so the result is never worse than
 * the grid cell it started from.
 */
function refine(pts: readonly UslPoint[], start: Coefficients, free: { alpha: boolean; beta: boolean }): Coefficients {
  let current = { ...start };
  let damping = 1e-3;
  const residuals = (alpha: number, beta: number): number[] => {
    const gamma = bestGamma(pts, alpha, beta);
    return pts.map((p) => p.throughput - (gamma * p.replicas) / denominator(p.replicas, alpha, beta));
  };
  for (let iteration = 0; iteration < 500; iteration++) {
    const r = residuals(current.alpha, current.beta);
    const columns: number[][] = [];
    if (free.alpha) columns.push(derivative(residuals, current, 'alpha'));
    if (free.beta) columns.push(derivative(residuals, current, 'beta'));
    // Normal equations: (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr, at most 2×2.
    const jtj = columns.map((a) => columns.map((b) => dot(a, b)));
    const jtr = columns.map((a) => dot(a, r));
    const step = solveDamped(jtj, jtr, damping);
    if (step === null) break;
    let k = 0;
    const alpha = free.alpha ? Math.max(0, current.alpha - (step[k++] as number)) : current.alpha;
    const beta = free.beta ? Math.max(0, current.beta - (step[k++] as number)) : current.beta;
    const sse = squaredError(pts, alpha, beta);
    if (sse < current.sse) {
      const gain = current.sse - sse;
      current = { alpha, beta, sse };
      damping = Math.max(damping / 3, 1e-12);
      if (gain <= 1e-15 * Math.max(1, sse)) break;
    } else {
      damping *= 4;
      if (damping > 1e12) break;
    }
  }
  return current;
}

function derivative(residuals: (alpha: number, beta: number) => number[], at: Coefficients, which: 'alpha' | 'beta'): number[] {
  const value = at[which];
  const h = Math.max(Math.abs(value) * 1e-6, which === 'alpha' ? 1e-9 : 1e-11);
  const plus = which === 'alpha' ? residuals(at.alpha + h, at.beta) : residuals(at.alpha, at.beta + h);
  const minus = which === 'alpha' ? residuals(at.alpha - h, at.beta) : residuals(at.alpha, at.beta - h);
  return plus.map((p, i) => (p - (minus[i] as number)) / (2 * h));
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);
}

/** Solves (A + λ·diag(A)) x = b for a 1×1 or 2×2 A; null when singular. */
function solveDamped(a: number[][], b: number[], damping: number): number[] | null {
  if (a.length === 1) {
    const a00 = (a[0]![0] as number) * (1 + damping);
    return a00 > 0 ? [(b[0] as number) / a00] : null;
  }
  const a00 = (a[0]![0] as number) * (1 + damping);
  const a11 = (a[1]![1] as number) * (1 + damping);
  const a01 = a[0]![1] as number;
  const det = a00 * a11 - a01 * a01;
  if (!(Math.abs(det) > 0)) return null;
  return [((b[0] as number) * a11 - a01 * (b[1] as number)) / det, (a00 * (b[1] as number) - a01 * (b[0] as number)) / det];
}

function rSquared(pts: readonly UslPoint[], predicted: (n: number) => number): number | null {
  if (pts.length < 2) return null;
  const meanX = pts.reduce((s, p) => s + p.throughput, 0) / pts.length;
  let sst = 0;
  let sse = 0;
  for (const p of pts) {
    sst += (p.throughput - meanX) ** 2;
    sse += (p.throughput - predicted(p.replicas)) ** 2;
  }
  if (sst === 0) return null;
  return 1 - sse / sst;
}

// ---- The verdict, in words --------------------------------------------------------------------

/** Efficiency at the largest measured count at or above which a tier counts as nearly linear. */
const NEARLY_LINEAR_EFFICIENCY = 0.9;

/**
 * One sentence a person can act on, from the fit and the replica counts actually measured:
 * - does not scale: the curve at the largest measured N is below the smallest (a Raft cluster
 *   whose writes slow down as voters are added is the typical case);
 * - retrograde: the peak N* lies within twice the measured range (further out is a guess);
 * - nearly linear: at the largest measured N each replica still gives ≥ 90% of a lone replica;
 * - otherwise contention limits it, and the ceiling γ/α is given.
 */
export function scalingVerdict(fit: UslFit): string {
  const counts = [...new Set(fit.points.map((p) => p.replicas))].sort((a, b) => a - b);
  const smallest = counts[0] as number;
  const largest = counts[counts.length - 1] as number;
  const coefficients = `α ${formatCoefficient(fit.alpha)}, β ${formatCoefficient(fit.beta)}`;
  if (counts.length === 1) {
    return `scaling unknown: only ${plural(smallest, 'replica')} measured (${round(fit.predicted(smallest))} req/s); more replicas are assumed to add capacity linearly`;
  }
  const atSmallest = fit.predicted(smallest);
  const atLargest = fit.predicted(largest);
  if (atLargest < atSmallest) {
    return `does not scale: ${plural(largest, 'replica')} carry less than ${smallest} (${round(atLargest)} vs ${round(atSmallest)} req/s; ${coefficients})`;
  }
  if (fit.peakReplicas !== null && fit.peakReplicas <= 2 * largest) {
    return `adding replicas beyond N* ≈ ${fit.peakReplicas.toFixed(1)} lowers throughput (β ${formatCoefficient(fit.beta)}, α ${formatCoefficient(fit.alpha)}; peak ≈ ${round(fit.predicted(fit.peakReplicas))} req/s)`;
  }
  const efficiency = scalingEfficiency(fit, largest);
  if (efficiency >= NEARLY_LINEAR_EFFICIENCY) {
    return `scales nearly linearly (${coefficients}): ${largest} replicas give ${Math.round(efficiency * 100)}% of ${largest}× one replica`;
  }
  const ceiling = fit.alpha > 0 ? `; throughput cannot pass γ/α ≈ ${round(fit.gamma / fit.alpha)} req/s` : '';
  return `contention limits it (α ${formatCoefficient(fit.alpha)}, β ${formatCoefficient(fit.beta)}): ${largest} replicas give ${Math.round(efficiency * 100)}% of ${largest}× one replica${ceiling}`;
}

export function formatCoefficient(value: number): string {
  if (value === 0 || value >= 0.001) return value.toFixed(3);
  return value.toExponential(1);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function round(value: number): number {
  return Math.round(value);
}
