/** A problem the person running the bench can fix (missing tool, bad argument): exit 2, no stack. */
export class BenchError extends Error {}
