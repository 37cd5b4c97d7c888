import { describe, expect, it } from 'vitest';
import type { ZodMiniType } from 'zod/mini';
import { createDocument, type ZodObjectInput, type ZodOpenApiOperationObject } from 'zod-openapi';
import { participantRoles } from '../../functions/core/meetings/model';
import { topics } from '../../functions/core/subscriptions/model';
import {
  createMeetingRequest,
  meetingListQuery,
  updateMeetingRequest,
} from '../../functions/handlers/inputs/meetings';
import { registrationRequest } from '../../functions/handlers/inputs/registrations';
import { subscribeRequest, subscriberListQuery } from '../../functions/handlers/inputs/subscriptions';

/**
 * The request schemas (zod/mini) as zod-openapi reads them: the OpenAPI document will be generated from these
 * very schemas, so what a client is told must match what the handlers accept. A dev-time check only:
 * zod-openapi loads classic zod, so it must never be imported from functions/.
 */
type JsonSchema = {
  type?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
};
type Parameter = { in: string; name: string; required?: boolean; schema: JsonSchema };

const jsonBody = (schema: ZodMiniType) =>
  ({
    requestBody: { content: { 'application/json': { schema } } },
    responses: { '204': { description: 'Gelukt' } },
  }) satisfies ZodOpenApiOperationObject;
const query = (schema: ZodObjectInput) =>
  ({
    requestParams: { query: schema },
    responses: { '200': { description: 'Gelukt' } },
  }) satisfies ZodOpenApiOperationObject;

const document = createDocument({
  openapi: '3.1.0',
  info: { title: 'Drop In', version: '0.1.0' },
  paths: {
    '/api/subscriptions': { post: jsonBody(subscribeRequest) },
    '/api/meetings/{id}/registrations': { post: jsonBody(registrationRequest) },
    '/api/organiser/meetings': { get: query(meetingListQuery), post: jsonBody(createMeetingRequest) },
    '/api/organiser/meetings/{id}': { patch: jsonBody(updateMeetingRequest) },
    '/api/organiser/subscribers': { get: query(subscriberListQuery) },
  },
});

const operation = (path: string, method: 'get' | 'post' | 'patch') => {
  const found = document.paths?.[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found;
};
const bodyOf = (path: string, method: 'post' | 'patch'): JsonSchema => {
  const body = operation(path, method).requestBody;
  if (!body || '$ref' in body) throw new Error(`no inline request body for ${method} ${path}`);
  return body.content['application/json']?.schema as JsonSchema;
};
const parametersOf = (path: string): Record<string, Parameter> =>
  Object.fromEntries(
    ((operation(path, 'get').parameters ?? []) as Parameter[]).map((parameter) => [
      parameter.name,
      parameter,
    ]),
  );
const sorted = (names: readonly string[] | undefined) => [...(names ?? [])].sort();

describe('the request schemas as an OpenAPI document', () => {
  it('describes a subscription: email and consent required, topics defaulting to the newsletter', () => {
    const body = bodyOf('/api/subscriptions', 'post');

    expect(body.type).toBe('object');
    expect(body.additionalProperties).toBe(false);
    expect(sorted(body.required)).toEqual(['consent', 'email']);
    expect(body.properties?.email).toMatchObject({ type: 'string', minLength: 1, maxLength: 254 });
    expect(body.properties?.name).toMatchObject({ type: 'string', maxLength: 100 });
    expect(body.properties?.topics).toMatchObject({
      type: 'array',
      minItems: 1,
      default: ['nieuwsbrief'],
      items: { type: 'string', enum: [...topics] },
    });
    expect(body.properties?.consent).toMatchObject({ type: 'boolean', const: true });
  });

  it('describes a registration: name and email required, the optional answers bounded', () => {
    const body = bodyOf('/api/meetings/{id}/registrations', 'post');

    expect(body.additionalProperties).toBe(false);
    expect(sorted(body.required)).toEqual(['email', 'name']);
    expect(sorted(Object.keys(body.properties ?? {}))).toEqual(
      sorted(['name', 'email', 'organisation', 'role', 'municipality', 'dietary', 'accessibility']),
    );
    expect(body.properties?.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(body.properties?.organisation).toMatchObject({ type: 'string', maxLength: 200 });
    expect(body.properties?.municipality).toMatchObject({ type: 'string', maxLength: 100 });
    expect(body.properties?.dietary).toMatchObject({ type: 'string', maxLength: 500 });
    expect(body.properties?.accessibility).toMatchObject({ type: 'string', maxLength: 500 });
    // A form leaves the role empty: '' is accepted as "no role".
    expect(body.properties?.role?.anyOf).toEqual([
      { type: 'string', enum: [...participantRoles] },
      { type: 'string', const: '' },
    ]);
  });

  it('describes a new meeting: what, where, when and how many required; the rest with their defaults', () => {
    const body = bodyOf('/api/organiser/meetings', 'post');
    const properties = body.properties ?? {};

    expect(body.additionalProperties).toBe(false);
    expect(sorted(body.required)).toEqual(
      sorted(['title', 'city', 'venueAddress', 'startsAt', 'endsAt', 'capacity']),
    );
    expect(properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
    expect(properties.city).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(properties.venueAddress).toMatchObject({ type: 'string', minLength: 1, maxLength: 300 });
    expect(properties.description).toMatchObject({ type: 'string', maxLength: 10_000, default: '' });
    for (const instant of ['startsAt', 'endsAt', 'registrationOpensAt', 'registrationClosesAt']) {
      expect(properties[instant]).toMatchObject({ type: 'string', format: 'date-time' });
    }
    expect(properties.capacity).toEqual({ type: 'integer', minimum: 1, maximum: 10_000 });
    expect(properties.reminderLeadHours).toEqual({ type: 'integer', minimum: 1, maximum: 336, default: 48 });
    expect(properties.waitingListEnabled).toEqual({ type: 'boolean', default: true });
    expect(properties.questions).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['organisation', 'role', 'municipality', 'needs'],
      default: { organisation: true, role: true, municipality: true, needs: true },
    });
  });

  it('describes a change to a meeting: the same fields, none required, no defaults, nothing else', () => {
    const changes = bodyOf('/api/organiser/meetings/{id}', 'patch');
    const created = bodyOf('/api/organiser/meetings', 'post');

    expect(changes.additionalProperties).toBe(false);
    expect(changes.required ?? []).toEqual([]);
    expect(sorted(Object.keys(changes.properties ?? {}))).toEqual(
      sorted(Object.keys(created.properties ?? {})),
    );
    for (const [name, property] of Object.entries(changes.properties ?? {})) {
      expect(property, name).not.toHaveProperty('default');
    }
    expect(changes.properties?.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
    expect(changes.properties?.capacity).toEqual({ type: 'integer', minimum: 1, maximum: 10_000 });
  });

  it('describes the list queries: every parameter optional, limits as bounded integers with defaults', () => {
    const meetings = parametersOf('/api/organiser/meetings');
    const subscribers = parametersOf('/api/organiser/subscribers');

    expect(Object.keys(meetings).sort()).toEqual(['cursor', 'limit', 'status']);
    expect(Object.keys(subscribers).sort()).toEqual(['cursor', 'limit', 'status', 'topic']);
    for (const parameter of [...Object.values(meetings), ...Object.values(subscribers)]) {
      expect(parameter.in).toBe('query');
      expect(parameter.required ?? false, parameter.name).toBe(false);
    }
    for (const list of [meetings, subscribers]) {
      expect(list.limit?.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
    }
    expect(meetings.cursor?.schema).toEqual({ type: 'string', maxLength: 512 });
    expect(subscribers.cursor?.schema).toEqual({ type: 'string', maxLength: 2048 });
    // No status: every status, drafts and cancelled meetings included.
    expect(meetings.status?.schema).toEqual({ type: 'string', enum: ['draft', 'published', 'cancelled'] });
    // An empty `?status=` counts as absent (a preprocessing step), which the document does not show.
    expect(subscribers.status?.schema).toEqual({
      type: 'string',
      enum: ['pending', 'active', 'unsubscribed'],
      default: 'active',
    });
    expect(subscribers.topic?.schema).toEqual({ type: 'string', enum: [...topics] });
  });
});
