import type { FastifyInstance } from 'fastify';
import type { EgressService } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import type { Config } from '../config.js';
import { assetRoutes } from '../routes/assets.js';
import type { AssetUploadTickets } from '../routes/assetUploadTickets.js';
import { hlsRoutes } from '../routes/hls.js';
import { liveStreamRoutes } from '../routes/liveStreams.js';
import { mediaStreamRoutes } from '../routes/mediaStreams.js';
import { recordingFileRoutes, recordingRoutes } from '../routes/recordings.js';
import { registerRtms } from '../rtms/route.js';

export interface EgressRouteDeps {
  config: Config;
  auth: Auth;
  egress: EgressService;
  assetUploads?: AssetUploadTickets;
}

/**
 * Every route the egress answers: the same in one process and on an egress process or node (the
 * SFU forwards these there, see forwardToEgress and EGRESS_HTTP_ROUTES). RTMP broadcasts are the
 * SFU's own routes (broadcastRoutes over EgressCommands).
 */
export async function registerEgressRoutes(app: FastifyInstance, { config, auth, egress, assetUploads }: EgressRouteDeps): Promise<void> {
  await app.register(liveStreamRoutes(egress, auth));
  // Playback: no credentials (the live stream's random id is the capability).
  await app.register(hlsRoutes(egress, config.hlsSigning));
  await app.register(recordingRoutes(egress, auth));
  // Layout logos (ASSETS_DIR): admin, or a moderator's single-use upload ticket from signaling.
  if (egress.options.assets && assetUploads) await app.register(assetRoutes(egress.options.assets, auth, assetUploads));
  await app.register(mediaStreamRoutes(egress.mediaStreams, config.mediaStreams.apps, auth));
  // Apps' sockets: no credentials at the upgrade, the first message is a handshake signed with the app's secret.
  registerRtms(app, {
    streams: egress.mediaStreams,
    apps: config.mediaStreams.apps,
    keepAliveMs: config.mediaStreams.keepAliveMs,
    publicUrl: config.publicUrl,
  });
  // Recording files: the same rule (the recording's random id is the capability).
  await app.register(recordingFileRoutes(egress, config.hlsSigning));
}
