// Rendering a templated request step into undici dispatch options: URL, query, headers and body.

import type { Dispatcher } from 'undici';
import type { CompiledRequest } from './compile-flow.js';
import { appendQuery, type UrlResolver } from '../http/request-url.js';
import type { TemplateContext } from './templates.js';

/** Renders a templated request into undici dispatch options. Throws on a render error. */
export function renderRequest(
  step: CompiledRequest,
  vars: TemplateContext,
  urls: UrlResolver,
): Dispatcher.DispatchOptions & { origin: string } {
  let origin: string;
  let path: string;
  if (step.path !== null) {
    origin = step.origin!;
    path = step.path;
  } else {
    const resolved = urls.resolve(typeof step.url === 'string' ? step.url : step.url(vars));
    origin = resolved.origin;
    const q = step.query;
    if (typeof q === 'string') path = appendQuery(resolved.path, q);
    else {
      let query = '';
      for (let i = 0; i < q.length; i++) {
        const [name, value] = q[i]!;
        if (i > 0) query += '&';
        query += `${name}=${encodeURIComponent(typeof value === 'string' ? value : value(vars))}`;
      }
      path = appendQuery(resolved.path, query);
    }
  }
  let headers = step.headers;
  if (step.headerTemplates.length > 0) {
    headers = step.headers.slice();
    for (const [name, value] of step.headerTemplates) headers.push(name, value(vars));
  }
  const body = typeof step.body === 'function' ? Buffer.from(step.body(vars)) : step.body;
  const options: Dispatcher.DispatchOptions & { origin: string } = { origin, method: step.method, path, headers, body };
  if (step.blocking !== undefined) options.blocking = step.blocking;
  return options;
}
