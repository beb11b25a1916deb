import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { EgressService } from '@roomcast/egress';
import { Auth } from '../auth.js';
import { loadConfig } from '../config.js';
import { AssetUploadTickets } from '../routes/assetUploadTickets.js';
import { RTMS_MEDIA_PATH, RTMS_SIGNALING_PATH } from '../rtms/serverUrls.js';
import { registerEgressRoutes } from './egressRoutes.js';
import { EGRESS_HTTP_ROUTES } from './forwardToEgress.js';

describe('the routes an SFU forwards to an egress process', () => {
  it('are exactly the egress routes (a route added to one and not the other would 404 with EGRESS_PROCESS=child)', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(fastifyWebsocket);
    const seen: string[] = [];
    const sockets: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        if ((route as { websocket?: boolean }).websocket) sockets.push(route.url);
        else seen.push(`${method} ${route.url}`);
      }
    });
    // Registering reads nothing of the egress: its routes only keep it for their handlers.
    const egress = { options: { assets: {} }, mediaStreams: {}, liveStreams: {}, recordings: {} } as unknown as EgressService;
    const config = loadConfig({});
    await registerEgressRoutes(app, { config, auth: new Auth(config.apiKey, config.apiSecret), egress, assetUploads: new AssetUploadTickets(config.apiSecret) });
    await app.ready();
    expect(seen.sort()).toEqual(EGRESS_HTTP_ROUTES.map((r) => `${r.method} ${r.url}`).sort());
    expect(sockets.sort()).toEqual([RTMS_MEDIA_PATH, RTMS_SIGNALING_PATH].sort());
    await app.close();
  });
});
