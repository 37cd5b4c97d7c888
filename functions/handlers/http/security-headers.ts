import { siteCssHash } from '../../web/style';

/** Headers every response carries. */
const common: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/** Pages: no script at all, the one stylesheet by hash, forms post only to this site. */
export const pageHeaders: Readonly<Record<string, string>> = {
  ...common,
  'content-security-policy': [
    "default-src 'none'",
    `style-src '${siteCssHash}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  // Pages may be reached by a link with a token: never pass their URL on.
  'referrer-policy': 'no-referrer',
};

const apiHeaders: Record<string, string> = {
  ...common,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * Adds the security headers; a handler's own value wins (a token page sets `referrer-policy: no-referrer`
 * and `cache-control: no-store`). Without a cache-control of its own, nothing is cached.
 */
export const withSecurityHeaders = (
  headers: Record<string, string> | undefined,
  kind: 'page' | 'api',
): Record<string, string> => {
  const own = Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { ...(kind === 'page' ? pageHeaders : apiHeaders), 'cache-control': 'no-store', ...own };
};

/** Headers for pages reached through a signed link (docs/architecture.md, "Links and tokens"). */
export const tokenPageHeaders: Record<string, string> = {
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
