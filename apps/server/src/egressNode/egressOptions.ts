import { AssetStore, createRecognizer, DestinationPolicy, type EgressLog, type EgressServiceOptions } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import type { Config } from '../config.js';
import { urlSigner } from '../routes/urlSigning.js';
import { localOrigin, webLayoutSettings } from '../webLayout/webLayoutSettings.js';

export interface EgressWiring {
  log: EgressLog;
  /** The HTTP port once listening (the web layout's pages are served by this server). */
  listeningPort: () => number;
  /** What `media_stream.started` tells apps to dial. */
  signalingUrl: () => string;
  auth: Auth;
  /** An egress node: the origin of the SFU node each room lives on (its web layout page and signaling are there). */
  roomOrigin?: (room: string) => string | undefined;
}

/** The egress's settings, from the configuration and what the server knows only once it runs. */
export function egressOptions(config: Config, wiring: EgressWiring): EgressServiceOptions {
  return {
    rtpPorts: config.egress.rtpPorts,
    rtpSrtp: config.egress.rtpSrtp,
    rtpListenIp: config.egress.rtpListenIp,
    rtpAnnouncedIp: config.egress.rtpAnnouncedIp,
    maxDestinationsPerRoom: config.egress.maxDestinationsPerRoom,
    maxDestinationsPerServer: config.egress.maxDestinations,
    maxComposites: config.egress.maxComposites,
    maxTiles: config.egress.maxTiles,
    maxDecodersPerComposite: config.egress.maxDecodersPerComposite,
    background: config.egress.background,
    x264: config.egress.x264,
    placeholderColor: '#344054',
    hlsDir: config.egress.hlsDir,
    recordingsDir: config.egress.recordingsDir,
    recordingsS3: config.egress.recordingsS3,
    assets: new AssetStore({ dir: config.egress.assetsDir }),
    publicUrl: config.publicUrl,
    signUrl: config.hlsSigning && urlSigner(config.hlsSigning),
    webLayout: webLayoutSettings(config.webLayout, () => localOrigin(config.host, wiring.listeningPort()), wiring.auth, wiring.roomOrigin),
    mediaStreams: {
      recognizer: createRecognizer(config.mediaStreams.transcripts),
      signalingUrl: wiring.signalingUrl,
      maxPerRoom: config.mediaStreams.maxPerRoom,
      reconnectGraceMs: config.mediaStreams.reconnectGraceMs,
      connectTimeoutMs: config.mediaStreams.connectTimeoutMs,
      // A stream resumed by a new egress process: its app as registered now.
      grantOf: (id) => {
        const app = config.mediaStreams.apps.byId(id);
        return app && { id: app.id, allow: app.allow };
      },
    },
    relay: {
      maxRetries: config.egress.retryLimit,
      retryBaseMs: config.egress.retryBaseMs,
      stallBytes: 8 * 1024 * 1024,
      ioTimeoutMs: config.egress.ioTimeoutMs,
      tls: config.egress.rtmpsTls,
      destinations: new DestinationPolicy({ ...config.egress.destinations, log: wiring.log }),
      log: wiring.log,
    },
  };
}
