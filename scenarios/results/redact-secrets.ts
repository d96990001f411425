// Secrets must never reach a results file or a report. Failure messages can quote what a server
// sent back (a check's "expected X, got Y") and target URLs can carry credentials, so everything
// free-form is passed through here on its way into the stream. The rules err on the side of
// hiding: a redacted id costs a little debugging, a leaked token costs an incident.

export const REDACTED = '[redacted]';
const SECRET_NAME = /token|secret|password|passwd|pwd|api[-_]?key|session|cookie|auth/i;

/** True for a header, field or JSON path whose name says its value is a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const RULES: Array<[RegExp, string]> = [
  // credentials in URLs: scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, `$1${REDACTED}@`],
  // authorization schemes
  [/\b(bearer|basic|digest|token)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // JSON Web Tokens
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, REDACTED],
  // name=value / "name": "value" / name: value where the name says it is secret
  [
    /((?:["']?)[\w-]*(?:token|secret|password|passwd|pwd|api[-_]?key|session|cookie|auth)[\w-]*["']?\s*[:=]\s*["']?)[^"'\s&,;}]+/gi,
    `$1${REDACTED}`,
  ],
  // long opaque strings (hex or base64 runs) that look like keys or session ids
  [/\b[A-Za-z0-9+/_-]{32,}={0,2}/g, REDACTED],
];

export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
  return result;
}
