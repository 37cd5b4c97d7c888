import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/config';
import * as retention from '../../functions/core/retention';
import { minimalEnvironment } from '../support/config-environment';

/**
 * Every retention period is stated in functions/core/retention.ts alone (docs/architecture.md, "Retention"),
 * so the privacy statement can be written from that one file: every TTL the code writes adds a period
 * exported there, and no other module spells a period of days.
 */
const root = path.resolve(import.meta.dirname, '../..');
const sources = readdirSync(path.join(root, 'functions'), { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
  .filter((file) => file !== path.join('functions', 'core', 'retention.ts'))
  .map((file) => ({ file, lines: readFileSync(path.join(root, file), 'utf8').split('\n') }));

/**
 * Periods of days that are not about keeping data: link lifetimes (a preference link, the Vooruitblik's
 * preview link, S3's longest presigned URL) and how long delivery retries.
 */
const notRetention = [
  'preferencesTtlSeconds',
  'retryWindowSeconds',
  'aDayMs',
  'previewGraceSeconds',
  'longestPresignedSeconds',
];

/** `expiresAt … + <period>`: the period each TTL write adds. */
const ttlPeriods = (lines: readonly string[]) =>
  lines.flatMap((line) => {
    const match = /['"]?:?expiresAt['"]?\s*:.*\+\s*([^+]+?)\s*,?\s*$/.exec(line);
    return match?.[1] ? [match[1]] : [];
  });

describe('retention periods', () => {
  it('are added to every TTL the code writes from core/retention.ts (the check can fail)', () => {
    const found = sources.flatMap(({ file, lines }) => ttlPeriods(lines).map((period) => ({ file, period })));
    expect(found.length).toBeGreaterThanOrEqual(8);
    expect(found.filter(({ period }) => !(period in retention))).toEqual([]);
    expect(
      ttlPeriods(['      expiresAt: epochSeconds(now) + 7 * day,', "  ':expiresAt': at + keptSeconds,"]),
    ).toEqual(['7 * day', 'keptSeconds']);
  });

  it('of days are spelled nowhere else', () => {
    const spelled = sources.flatMap(({ file, lines }) =>
      lines
        .filter((line) => /\b\d+\s*\*\s*24\s*\*\s*3600|\b24\s*\*\s*3600\b|86_?400/.test(line))
        .filter((line) => !notRetention.some((name) => line.includes(`const ${name} =`)))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(spelled).toEqual([]);
  });
});

describe('the registration retention period', () => {
  const env = minimalEnvironment;

  it('is 90 days unless the stage sets REGISTRATION_RETENTION_DAYS, a whole number of days', () => {
    expect(loadConfig(env).REGISTRATION_RETENTION_DAYS).toBe(retention.defaultRegistrationRetentionDays);
    expect(retention.defaultRegistrationRetentionDays).toBe(90);
    expect(loadConfig({ ...env, REGISTRATION_RETENTION_DAYS: '120' }).REGISTRATION_RETENTION_DAYS).toBe(120);
    for (const wrong of ['0', '-5', '30.5', 'ninety', '']) {
      expect(() => loadConfig({ ...env, REGISTRATION_RETENTION_DAYS: wrong }), wrong).toThrow(ConfigError);
    }
  });
});
