import { describe, expect, it } from 'vitest';
import { siteCss } from '../../functions/web/style';

/** WCAG relative luminance of a #rgb or #rrggbb colour. */
const luminance = (colour: string): number => {
  const hex = colour.length === 4 ? colour.replace(/[0-9a-f]/gi, '$&$&') : colour;
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => {
    const channel = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string): number => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

const variables = new Map(
  [
    ...(siteCss.match(/:root\{([^}]*)\}/)?.[1] ?? '').matchAll(/(--[\w-]+):(#[0-9a-f]{6}|#[0-9a-f]{3})/gi),
  ].map(([, name, value]) => [name, value] as const),
);
const colour = (value: string) => variables.get(value.replace(/^var\((--[\w-]+)\)$/, '$1')) ?? value;

describe('the focus indicator (WCAG 1.4.11)', () => {
  it('has a part with at least 3:1 contrast against the page', () => {
    const focusRule = siteCss.match(/a:focus,button:focus[^{]*\{([^}]*)\}/)?.[1] ?? '';
    const colours = [...focusRule.matchAll(/(var\(--[\w-]+\)|#[0-9a-f]{6}|#[0-9a-f]{3})/gi)].map(([value]) =>
      colour(value),
    );
    const page = colour('var(--paper)');

    expect(colours.length).toBeGreaterThan(0);
    expect(Math.max(...colours.map((c) => contrast(c, page)))).toBeGreaterThanOrEqual(3);
  });
});
