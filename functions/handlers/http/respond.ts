import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldIssue } from '../../core/errors';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

export const page = (statusCode: number, html: string, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body: html,
});

/** A temporary redirect to an absolute URL made for this request (a presigned download), never cached. */
export const redirectTo = (url: string, headers: Record<string, string> = {}): HttpResult => ({
  statusCode: 302,
  headers: { location: url, 'cache-control': 'no-store', ...headers },
  body: '',
});

/** A permanent redirect to a path of this site (an address that moved). */
export const movedPermanently = (path: string, headers: Record<string, string> = {}): HttpResult => ({
  statusCode: 301,
  headers: { location: path, ...headers },
  body: '',
});

export interface Problem {
  readonly status: number;
  /** Stable code; the problem type is `urn:dropin:problem:<code>`. */
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldIssue[];
}

/** RFC 9457 problem details. `instance` is the path only: query strings may carry tokens. */
export const problem = (
  { status, code, title, detail, errors }: Problem,
  path: string,
  headers: Record<string, string> = {},
): HttpResult =>
  json(
    status,
    {
      type: `urn:dropin:problem:${code}`,
      title,
      status,
      ...(detail ? { detail } : {}),
      instance: path,
      ...(errors?.length ? { errors } : {}),
    },
    { ...headers, 'content-type': 'application/problem+json; charset=utf-8' },
  );
