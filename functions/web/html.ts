/** HTML that is safe to emit as is: everything interpolated into `html` is escaped unless it is Html already. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type Interpolation = Html | string | number | null | undefined | false | readonly Interpolation[];

const render = (value: Interpolation): string => {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
};

export const html = (strings: TemplateStringsArray, ...values: Interpolation[]): Html =>
  new Html(strings.reduce((out, part, i) => out + part + (i < values.length ? render(values[i]) : ''), ''));

/** Links in mails must work outside the site: absolute http(s) URLs only. */
export const assertAbsoluteUrl = (url: string): string => {
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new Error(`Links in mails must be absolute, got ${url}`);
  return url;
};
