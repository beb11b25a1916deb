import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { EgressService } from '@roomcast/egress';
import type { WebhookEventType } from '@roomcast/protocol';
import { WebhookSender } from '../webhooks/WebhookSender.js';
import type { MediaApps } from './mediaApps.js';

/**
 * Each app hears about its own streams at its own `webhook_url`, signed with its `client_secret`
 * the way every Roomcast webhook is signed (as Zoom signs RTMS webhooks with the app's secret).
 * The server-wide WEBHOOK_URLS get the same events through the ordinary wiring.
 */
export class AppWebhooks {
  readonly #senders = new Map<string, WebhookSender>();

  constructor(apps: MediaApps, log: FastifyBaseLogger, options: { baseDelayMs?: number; redis?: Redis } = {}) {
    for (const app of apps.all()) {
      // Each app's queue apart: its jobs are signed with its own secret by whichever server runs them.
      const queue = { redis: options.redis, queueName: `app:${app.id}` };
      this.#senders.set(app.id, new WebhookSender({ urls: [app.webhook_url], secret: app.client_secret, log, baseDelayMs: options.baseDelayMs, ...queue }));
    }
  }

  /** Forwards `media_stream.*` events of the egress to the stream's app. */
  wire(egress: EgressService): void {
    egress.on('event', (room, type, data) => {
      if (!type.startsWith('media_stream.')) return;
      const appId = (data.media_stream as { app?: string } | undefined)?.app;
      if (appId) this.#senders.get(appId)?.send(type as WebhookEventType, room.name, data);
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#senders.values()].map((sender) => sender.close()));
  }
}
