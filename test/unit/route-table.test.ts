import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../functions/entries';
import { fallbackEntry, routeKey, routes } from '../../functions/routes';

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

  it('keeps organiser routes under /api/organiser and only there', () => {
    for (const route of routes) {
      expect(route.path.startsWith('/api/organiser/'), routeKey(route)).toBe(route.access === 'organiser');
    }
  });
});
