// Reading a rendered report back in tests: its text with entities decoded, and its chart containers.

export function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function chartContainers(html: string): string[] {
  return [...html.matchAll(/data-chart="([^"]*)"/g)].map((m) => m[1] ?? '');
}
