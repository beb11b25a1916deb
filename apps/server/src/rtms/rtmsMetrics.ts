import { Counter } from 'prom-client';

/**
 * Frames a media socket dropped because its app read too slowly (bounded send queue, issue 11
 * point 7), by kind. Not in any registry yet: the server's metrics registry adds it
 * (`registry.registerMetric(mediaDroppedFrames)`), as it does `unhandledRejections`.
 */
export const mediaDroppedFrames = new Counter({
  name: 'roomcast_media_stream_dropped_frames_total',
  help: 'Media frames dropped because an app read its media socket too slowly',
  labelNames: ['kind'],
  registers: [],
});
