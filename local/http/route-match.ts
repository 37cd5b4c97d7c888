import type { Route } from '../../functions/routes';

export interface RouteMatch<R> {
  readonly route: R;
  /** Absent when the route has no path variables, as in the event API Gateway sends. */
  readonly pathParameters?: Record<string, string>;
}

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

const parseTemplate = (path: string): Segment[] =>
  path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const variable = /^\{([^{}+]+)(\+?)\}$/.exec(part);
      if (!variable?.[1]) return { kind: 'literal', text: part };
      return variable[2] ? { kind: 'greedy', name: variable[1] } : { kind: 'variable', name: variable[1] };
    });

/** Literal beats `{variable}` beats `{greedy+}`, segment by segment from the left, as API Gateway picks. */
const specificity = (segments: readonly Segment[]): number[] =>
  segments.map((segment) => (segment.kind === 'literal' ? 2 : segment.kind === 'variable' ? 1 : 0));

const moreSpecific = (a: readonly number[], b: readonly number[]): boolean => {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference > 0;
  }
  return false;
};

const matchSegments = (
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined => {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index).join('/');
      if (rest === '') return undefined;
      parameters[segment.name] = rest;
      return parameters;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal' && segment.text !== part) return undefined;
    if (segment.kind === 'variable') {
      if (part === '') return undefined;
      parameters[segment.name] = part;
    }
  }
  return parts.length === segments.length ? parameters : undefined;
};

/**
 * The route API Gateway would pick for a request, by exact method and a path template with `{name}` (one
 * segment) and `{name+}` (the rest, greedy, last segment only); undefined means the `$default` route.
 * `path` is the decoded request path; a trailing slash makes a different path, as in API Gateway.
 */
export const matchRoute = <R extends Pick<Route, 'method' | 'path'>>(
  routes: readonly R[],
  method: string,
  path: string,
): RouteMatch<R> | undefined => {
  const parts = path.split('/').slice(1);
  let best: { match: RouteMatch<R>; rank: number[] } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const segments = parseTemplate(route.path);
    const parameters = matchSegments(segments, parts);
    if (!parameters) continue;
    const rank = specificity(segments);
    if (best && !moreSpecific(rank, best.rank)) continue;
    const match = Object.keys(parameters).length > 0 ? { route, pathParameters: parameters } : { route };
    best = { match, rank };
  }
  return best?.match;
};
