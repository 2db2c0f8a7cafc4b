import type { Context } from 'hono';

type NodeBindings = {
  readonly incoming?: { readonly headers: Readonly<Record<string, string | string[] | undefined>> };
};

/**
 * Reads a request header (lower-case `name`). Under @hono/node-server it reads Node's parsed
 * headers, because touching `Request.headers` there builds a Fetch `Headers` on every request.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
