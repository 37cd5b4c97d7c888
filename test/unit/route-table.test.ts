import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditKindOfPath } from '../../functions/core/organisers/audit';
import { lambdaEntries } from '../../functions/entries';
import {
  fallbackEntry,
  isAuditedRoute,
  isOrganiserRoute,
  type Route,
  routeKey,
  routes,
} from '../../functions/routes';

describe('the route table', () => {
  it('names every route once', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('points every route and the fallback at an entry whose file exists', () => {
    for (const entry of [...routes.map((route) => route.entry), fallbackEntry]) {
      expect(lambdaEntries[entry], entry).toBeDefined();
      expect(existsSync(join('functions', lambdaEntries[entry].file)), lambdaEntries[entry].file).toBe(true);
    }
  });

  it('says what each audited route acts on, so its audit entry has a kind (the check can fail)', () => {
    const kindless = routes.filter((route) => isAuditedRoute(route) && !auditKindOfPath(route.path));
    expect(kindless.map(routeKey)).toEqual([]);
    expect(auditKindOfPath('/api/organiser/audit')).toBeUndefined();
  });

  it('keeps organiser routes under /api/organiser and only there', () => {
    for (const route of routes) {
      expect(route.path.startsWith('/api/organiser/'), routeKey(route)).toBe(isOrganiserRoute(route));
    }
  });

  /** The public POSTs that name no limit (docs/architecture.md, "Limits on public POSTs"), by route key. */
  const unlimitedPublicPosts = (table: readonly Route[]) =>
    table
      .filter((route) => route.method === 'POST' && route.access === 'public' && route.limit === undefined)
      .map(routeKey);

  it('limits every public POST, per client or per link token (the check can fail)', () => {
    const control: Route[] = [
      { method: 'POST', path: '/nieuw', entry: 'newsletterSubscribe', access: 'public' },
      { method: 'POST', path: '/nieuw', entry: 'newsletterSubscribe', access: 'public', limit: 'client' },
      { method: 'GET', path: '/nieuw', entry: 'newsletterForm', access: 'public' },
    ];
    expect(unlimitedPublicPosts(control)).toEqual(['POST /nieuw']);

    expect(unlimitedPublicPosts(routes)).toEqual([]);
    const limited = (routes as readonly Route[]).filter((route) => route.limit !== undefined);
    expect(limited.length).toBeGreaterThan(10);
  });

  it('limits nothing else: pages, the reads of the API and the organiser routes (their JWT) are not counted', () => {
    const limitedOthers = (routes as readonly Route[])
      .filter((route) => route.limit !== undefined && (route.method !== 'POST' || route.access !== 'public'))
      .map(routeKey);
    expect(limitedOthers).toEqual([]);
  });
});
