import type { FastifyInstance } from 'fastify';
import { ErrorBodySchema } from '@roomcast/protocol';
import type { Auth } from '../auth.js';

/** OpenAPI: management routes take `Authorization: Bearer <admin JWT>`. */
export const ADMIN_SECURITY = [{ bearer: [] }];

/** The error answers every management route can give (all `{error: {code, message}}`). */
export const ADMIN_ERRORS = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  429: ErrorBodySchema,
};

/** Every route of the plugin this is called in requires an admin token. */
export function requireAdmin(app: FastifyInstance, auth: Auth): void {
  app.addHook('onRequest', async (request) => auth.verifyAdmin(request.headers.authorization));
}
