// Resolving request URLs against the scenario target without `new URL()` per request: the target's
// origin and base path are parsed once; a relative URL is appended to the base path.

export interface ResolvedUrl {
  /** "http://host:port", the pool key. */
  origin: string;
  /** Path and query, starting with "/". */
  path: string;
}

const ABSOLUTE = /^https?:\/\//i;

export class UrlResolver {
  readonly origin: string;
  /** The target's path without a trailing slash ('' for the root). */
  readonly basePath: string;

  /** Throws when the target is not an absolute http(s) URL. */
  constructor(target: string) {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`target ${JSON.stringify(target)} is not an http(s) URL`);
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  /**
   * `/login` and `login` go to `<target origin><base path>/login`; an absolute http(s) URL keeps its
   * own origin (and gets its own pool). Fragments are dropped.
   */
  resolve(url: string): ResolvedUrl {
    const hash = url.indexOf('#');
    if (hash !== -1) url = url.slice(0, hash);
    if (ABSOLUTE.test(url)) {
      const start = url.indexOf('//') + 2;
      let end = start;
      while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
      const origin = url.slice(0, end).toLowerCase();
      const rest = url.slice(end);
      return { origin, path: rest === '' ? '/' : rest[0] === '?' ? `/${rest}` : rest };
    }
    if (url === '' || url[0] === '?') return { origin: this.origin, path: `${this.basePath || '/'}${url}` };
    return { origin: this.origin, path: url[0] === '/' ? this.basePath + url : `${this.basePath}/${url}` };
  }
}

/** Appends an already encoded query string ("a=1&b=2") to a path. */
export function appendQuery(path: string, query: string): string {
  if (query === '') return path;
  return path.includes('?') ? `${path}&${query}` : `${path}?${query}`;
}
