// Early syntax check of `{{…}}` templates. Compiling and rendering them belongs to the flow runner; this
// only makes a typo in a template a load-time error with a position instead of a failure mid-run.

import Handlebars from 'handlebars';

/** A one-line description of the syntax error in `text`, or undefined when it parses. */
export function templateSyntaxError(text: string): string | undefined {
  if (!text.includes('{{')) return undefined;
  try {
    Handlebars.parse(text);
    return undefined;
  } catch (error) {
    return `invalid {{…}} template: ${describeParseError(error)}`;
  }
}

// Handlebars' parser errors span four lines (header, excerpt, caret, expectations). Keep the excerpt
// (the text around the error) and the token found; the list of expected tokens is noise to an author.
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n');
  const excerpt = lines[0]?.startsWith('Parse error') ? lines[1] : undefined;
  const expectation = lines.find((line) => line.startsWith('Expecting'));
  if (!expectation) return lines[0] ?? message;
  const got = /got '([^']+)'/.exec(expectation)?.[1];
  const found =
    got === 'EOF'
      ? 'the template ended early (an unclosed {{ or block?)'
      : got === 'INVALID'
        ? 'unexpected character (an unclosed {{ ?)'
        : `unexpected ${got ?? 'token'}`;
  return excerpt ? `${found} near ${JSON.stringify(excerpt)}` : found;
}
