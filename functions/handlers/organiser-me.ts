import type { OrganiserIdentityBody } from '../contract/schemas/organisers';
import { describeOrganiser } from '../core/organisers/identity';
import { httpRoute } from './http/edge';
import { organiserOf } from './http/request';
import { json } from './http/respond';

export const handler = httpRoute(async (event) =>
  json(200, describeOrganiser(organiserOf(event)) satisfies OrganiserIdentityBody),
);
