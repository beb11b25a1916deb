import type { MediaStreamAudioOptions } from '@roomcast/protocol';
import type { TestServer } from '../apps/server/src/testServer.js';
import type { WebhookReceiver } from '../test/support/webhookReceiver.js';
import { type AppCredentials, type AppOnset, AppsProcess } from './appsProcess.js';
import { latencyStats, sourceOnset } from './beepOnsets.js';
import { sleep } from './floor.js';
import { sampleDescendants, type ProcSample } from './procstat.js';

/** What every phase of bench/mediaStreams.ts works with. */
export interface BenchContext {
  server: TestServer;
  hooks: WebhookReceiver;
  apps: AppsProcess;
  room: string;
  audio: Partial<MediaStreamAudioOptions>;
  /** Date.now() minus CLOCK_MONOTONIC ms: turns the frames' server timestamps (epoch ms) into the monotonic clock. */
  wallMinusMonotonic: number;
}

const clientId = (app: string): string => `${app}-client`;
/** Made up per run's config, never printed. */
const clientSecret = (app: string): string => `${app}-secret-0123456789abcdef`;
export const appId = (n: number): string => `app-${String(n).padStart(2, '0')}`;

/** The apps registered in MEDIA_APPS: `app-01` … `app-NN`, and `stalled`. */
export function mediaApps(count: number, webhookUrl: string) {
  const ids = [...Array.from({ length: count }, (_, i) => appId(i + 1)), 'stalled'];
  return ids.map((id) => ({ id, client_id: clientId(id), client_secret: clientSecret(id), webhook_url: webhookUrl, allow: ['audio'] }));
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** POST /v1/rooms/:room/media_streams for `app`; the credentials come from its media_stream.started webhook. */
export async function startStream(ctx: BenchContext, app: string): Promise<{ id: string; credentials: AppCredentials }> {
  const response = await ctx.server.api(`/v1/rooms/${ctx.room}/media_streams`, { method: 'POST', body: { app, audio: ctx.audio } });
  if (response.status !== 201) throw new Error(`media stream for ${app}: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  const hook = () => ctx.hooks.received.find((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === id);
  await waitFor(() => hook() !== undefined, 10_000, `the webhook of stream ${id}`);
  const serverUrl = hook()!.event.data.server_urls as string;
  return { id, credentials: { serverUrl, roomId: ctx.room, streamId: id, clientId: clientId(app), clientSecret: clientSecret(app) } };
}

export async function stopStream(ctx: BenchContext, id: string): Promise<void> {
  await ctx.server.api(`/v1/media_streams/${id}/stop`, { method: 'POST' });
}

/** The server's FFmpeg decoders (an SDP input): the media streams' per-microphone audio decoders here. */
export const isDecoder = (s: ProcSample): boolean => s.cmdline.includes('ffmpeg') && s.cmdline.includes('.sdp');
/** The synthetic publishers' FFmpeg (lavfi sources read in realtime): remote participants in real life. */
export const isPublisher = (s: ProcSample): boolean => s.cmdline.includes('ffmpeg') && s.cmdline.includes('-re -f lavfi');

export const decoders = (): ProcSample[] => sampleDescendants(process.pid).filter(isDecoder);

/**
 * Latency of each beep whose RTP onset at the worker falls in `window`, from that onset to each
 * app's onset, split at the frame's server timestamp (set when the decoder's 20 ms frame reached
 * the server's AudioHub). With several apps, every beep gives one sample per app: `per_beep_worst_app`
 * counts each beep once, at its slowest app, since one hiccup of the server delays it for all.
 */
export function latencySummary(rtpOnsetsByUser: Map<string, number[]>, appOnsets: AppOnset[], wallMinusMonotonic: number, window: { from: number; to: number }) {
  const total: number[] = [];
  const decoded: number[] = [];
  const sent: number[] = [];
  const worstPerBeep = new Map<string, number>();
  let unmatched = 0;
  for (const onset of appOnsets) {
    const rtp = sourceOnset(rtpOnsetsByUser.get(onset.user) ?? [], onset.t);
    if (rtp === undefined) {
      if (onset.t >= window.from && onset.t < window.to) unmatched++;
      continue;
    }
    if (rtp < window.from || rtp >= window.to) continue;
    const serverFrameAt = onset.ts - wallMinusMonotonic;
    total.push(onset.t - rtp);
    decoded.push(serverFrameAt - rtp);
    sent.push(onset.t - serverFrameAt);
    const beep = `${onset.user}@${rtp}`;
    worstPerBeep.set(beep, Math.max(worstPerBeep.get(beep) ?? -Infinity, onset.t - rtp));
  }
  const beeps = [...rtpOnsetsByUser.values()].flat().filter((t) => t >= window.from && t < window.to).length;
  return {
    rtp_to_app_ms: latencyStats(total),
    per_beep_worst_app_ms: latencyStats([...worstPerBeep.values()]),
    split_ms: { rtp_to_server_frame: latencyStats(decoded), server_frame_to_app: latencyStats(sent) },
    beeps_at_worker: beeps,
    beeps_heard_by_no_app: beeps - worstPerBeep.size,
    app_onsets_unmatched: unmatched,
  };
}
