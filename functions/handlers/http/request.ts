import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type * as z from 'zod/mini';
import '../../adapters/validation-locale';
import { type FieldIssue, InvalidInput, InvalidToken, NotAuthenticated } from '../../core/errors';
import type { Organiser } from '../../core/organisers/identity';
import {
  MalformedBody,
  PayloadTooLarge,
  PreconditionRequired,
  UnsupportedMediaType,
} from './transport-errors';
import { validationMessage } from './validation-messages';

/** An HTTP API (payload v2) event; the JWT authorizer context is present on organiser routes only. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: Partial<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer']>;
  };
};

/** Default limit for JSON and form bodies. */
export const maxBodyBytes = 16 * 1024;

/** The raw body bytes; API Gateway base64-encodes bodies it does not consider text. */
export const bodyBytes = (event: HttpEvent): Buffer => {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
};

/** The media type without parameters, lower-cased, and its charset if given. */
export const contentTypeOf = (event: HttpEvent): { mediaType: string; charset?: string } => {
  const [type = '', ...params] = (event.headers['content-type'] ?? '').split(';');
  const charset = params
    .map((param) => param.trim().toLowerCase())
    .find((param) => param.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return { mediaType: type.trim().toLowerCase(), ...(charset ? { charset } : {}) };
};

const decodeUtf8 = (bytes: Buffer, what: string): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedBody(what);
  }
};

/** zod issues as field issues, with the field named as the client named it. */
export const fieldIssues = (error: z.core.$ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));

/**
 * The API's field issues: zod's own messages come from validationMessage and name their field; a message a
 * schema wrote for its form ("Regeleinden en stuurtekens kunnen hier niet.") gets the field's name put before
 * it, since an API client sees no form to point at.
 */
const apiFieldIssues = (error: z.core.$ZodError): FieldIssue[] =>
  fieldIssues(error).map((issue) =>
    issue.field === '(body)' || issue.message.includes(`‘${issue.field}’`)
      ? issue
      : { ...issue, message: `Het veld ‘${issue.field}’: ${issue.message}` },
  );

/**
 * Reads a JSON body: size (413) before media type (415) before syntax (400) before the schema (400 with a
 * message per field). Nothing is written before this returns, so bad input never writes.
 */
export const parseJsonBody = <Schema extends z.ZodMiniType>(
  event: HttpEvent,
  schema: Schema,
  { limitBytes = maxBodyBytes }: { limitBytes?: number } = {},
): z.output<Schema> => {
  const bytes = bodyBytes(event);
  if (bytes.length > limitBytes) throw new PayloadTooLarge(limitBytes);
  const { mediaType, charset } = contentTypeOf(event);
  const isJson = mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
  if (!isJson || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new UnsupportedMediaType(['application/json']);
  }
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(bytes, 'JSON'));
  } catch {
    throw new MalformedBody('JSON');
  }
  const parsed = schema.safeParse(value, { error: validationMessage });
  if (!parsed.success) throw new InvalidInput(apiFieldIssues(parsed.error));
  return parsed.data;
};

/**
 * A form's text must be UTF-8: the parser would turn anything else into U+FFFD and store it. Urlencoded: every
 * name and value once its escapes are decoded; multipart: the whole body (its parts are text, files refused).
 */
const assertUtf8Form = (bytes: Buffer, mediaType: string): void => {
  if (mediaType !== 'application/x-www-form-urlencoded') {
    decodeUtf8(bytes, 'formulierinhoud');
    return;
  }
  for (const pair of decodeUtf8(bytes, 'formulierinhoud').split('&')) {
    const escaped = pair.replace(/\+/g, ' ');
    const raw = Buffer.concat(
      escaped
        .split(/(%[0-9A-Fa-f]{2})/)
        .map((part) =>
          /^%[0-9A-Fa-f]{2}$/.test(part)
            ? Buffer.from([Number.parseInt(part.slice(1), 16)])
            : Buffer.from(part, 'utf8'),
        ),
    );
    decodeUtf8(raw, 'formulierinhoud');
  }
};

/** Form bodies as browsers and mail clients send them (RFC 8058 one-click posts either). */
const formMediaTypes = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Reads a form body (urlencoded or multipart) into its fields; an empty body is an empty form. Size (413)
 * before media type (415) before syntax (400). File parts are not accepted.
 */
export const parseFormBody = async (
  event: HttpEvent,
  { limitBytes = maxBodyBytes }: { limitBytes?: number } = {},
): Promise<URLSearchParams> => {
  const bytes = bodyBytes(event);
  if (bytes.length > limitBytes) throw new PayloadTooLarge(limitBytes);
  if (bytes.length === 0) return new URLSearchParams();
  const { mediaType } = contentTypeOf(event);
  if (!formMediaTypes.includes(mediaType)) throw new UnsupportedMediaType(formMediaTypes);
  assertUtf8Form(bytes, mediaType);
  let form: FormData;
  try {
    form = await new Response(bytes, {
      headers: { 'content-type': event.headers['content-type'] ?? '' },
    }).formData();
  } catch {
    throw new MalformedBody('formulierinhoud');
  }
  const fields = new URLSearchParams();
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') {
      throw new MalformedBody('formulierinhoud', 'Bestanden meesturen kan hier niet.');
    }
    fields.append(name, value);
  }
  return fields;
};

/** The query string against a schema; unknown parameters are ignored, invalid ones are a 400 per field. */
export const parseQuery = <Schema extends z.ZodMiniType>(
  event: HttpEvent,
  schema: Schema,
): z.output<Schema> => {
  const parsed = schema.safeParse(event.queryStringParameters ?? {}, { error: validationMessage });
  if (!parsed.success) throw new InvalidInput(apiFieldIssues(parsed.error));
  return parsed.data;
};

/**
 * The version an organiser read, from `If-Match: "<version>"` (the ETag they got). Missing → 428; a value
 * that is no version of ours can never match → StaleVersion (412) from the use case, via -1.
 */
export const ifMatchVersion = (event: HttpEvent, { required }: { required: boolean }): number | undefined => {
  const header = event.headers['if-match'];
  if (header === undefined) {
    if (required) throw new PreconditionRequired();
    return undefined;
  }
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return match?.[1] ? Number(match[1]) : -1;
};

/** A token as we write them (base64url parts joined by a dot), of a sane length: checked before any read. */
const tokenPattern = /^[A-Za-z0-9_.-]{1,2048}$/;

/** Whether a value looks like a token we write (not yet checked): what is read before any key is. */
export const looksLikeToken = (value: string | null | undefined): value is string =>
  value !== null && value !== undefined && tokenPattern.test(value);

/** The link's `?token=` if it looks like one we write (not yet checked); else undefined. */
export const wellFormedLinkToken = (event: HttpEvent): string | undefined => {
  const token = event.queryStringParameters?.token;
  return looksLikeToken(token) ? token : undefined;
};

/** The signed token of a link (`?token=`); a link without one is as invalid as a tampered one. */
export const linkToken = (event: HttpEvent): string => {
  const token = wellFormedLinkToken(event);
  if (!token) throw new InvalidToken('malformed');
  return token;
};

/**
 * API Gateway hands JWT claims over as strings: an array claim such as `cognito:groups` arrives as
 * `"[organisers admins]"`. Accept that form, a plain string and (for safety) a real array.
 */
export const parseGroupsClaim = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const inner = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner.split(/[\s,]+/).filter((group) => group.length > 0);
};

/** The organiser the JWT authorizer vouched for; throws NotAuthenticated when there is none. */
export const organiserOf = (event: HttpEvent): Organiser => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const subject = claims?.sub;
  if (!claims || typeof subject !== 'string' || subject.length === 0) throw new NotAuthenticated();
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const email = text(claims.email);
  const name = text(claims.name);
  return {
    subject,
    ...(email ? { email } : {}),
    ...(name ? { name } : {}),
    groups: parseGroupsClaim(claims['cognito:groups']),
  };
};
