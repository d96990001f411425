// JSON that can sit inside <script type="application/json"> in an HTML page. The HTML parser ends a
// script element at the first "</script" and treats "<!--" specially, whatever the script's type,
// so every character that could start such a sequence is written as a JSON escape instead: the text
// still parses to the same value, but the markup cannot be closed from inside it. U+2028 and U+2029
// are escaped too, so the text is also safe to paste into a JavaScript string literal.

const UNSAFE = /[<>&\u2028\u2029]/g;

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export function embedJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('embedJson: value has no JSON form');
  return json.replace(UNSAFE, escapeChar);
}
