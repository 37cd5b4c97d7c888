import { describe, expect, it } from 'vitest';
import { timeOrderedIds } from '../../functions/adapters/ids';
import { FixedClock } from '../support/in-memory-ports';

describe('timeOrderedIds', () => {
  it('gives unique 26-character ids that sort by time', () => {
    const clock = new FixedClock(new Date('2027-03-28T00:59:59Z'));
    const ids = timeOrderedIds(clock);

    const first = ids.next();
    clock.advance(1);
    const later = Array.from({ length: 1000 }, () => ids.next());

    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(later).size).toBe(1000);
    expect(later.every((id) => id > first)).toBe(true);
  });
});
