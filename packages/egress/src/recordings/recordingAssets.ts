import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingAsset } from '@roomcast/protocol';
import { parseInitSegment } from '../hls/initSegment.js';
import { masterPlaylist } from '../hls/masterPlaylist.js';
import { INIT_NAME, PLAYLIST_NAME } from '../hls/names.js';
import { WRITE_FAILURES, writeFailureOf } from '../hls/RenditionFiles.js';
import { renditionOptions } from '../live/liveStreamRequest.js';
import { playlistDurationS, playlistFiles, remuxToMp4 } from './mp4Remux.js';
import type { RecordingState } from './recordingState.js';

export const MASTER_NAME = 'master.m3u8';
export const MP4_NAME = 'recording.mp4';

/** Fixed phrases for assets that could not be made (users see these; details go to the log). */
export const ASSET_FAILURES = {
  noMedia: 'the recording has no media',
  remuxFailed: 'the MP4 remux failed',
  diskFull: 'the disk is full: cannot write the recording',
  notWritable: 'the recordings directory is not writable',
  writeFailed: 'cannot write the recording',
} as const;

/** The fixed phrase for an asset that could not be made. */
export function assetFailureOf(failure: unknown): string {
  if (failure instanceof AssetError) return failure.message;
  const write = writeFailureOf(failure);
  if (write === WRITE_FAILURES.diskFull) return ASSET_FAILURES.diskFull;
  return write === WRITE_FAILURES.notWritable ? ASSET_FAILURES.notWritable : ASSET_FAILURES.writeFailed;
}

export interface AssetContext {
  /** The recording's directory. */
  dir: string;
  /** URL prefix of its files, e.g. https://rooms.example.com/recordings/<id>. */
  baseUrl: string;
  ffmpeg: string;
  log?: (error: unknown, what: string) => void;
}

export interface AssetOutcome {
  assets: RecordingAsset[];
  error: string | null;
}

/**
 * Makes a recording's assets from its ended renditions: the HLS VOD (a master playlist over the
 * media playlists, each ended with ENDLIST) and the MP4 (the top rendition copied into one file).
 * Each asset is listed only once its files are complete; the first failure is the error.
 */
export async function makeAssets(state: RecordingState, context: AssetContext): Promise<AssetOutcome> {
  const top = state.renditions[0];
  const topPlaylist = top && (await endedPlaylist(join(context.dir, top)));
  if (!top || !topPlaylist || playlistDurationS(topPlaylist) === 0) return { assets: [], error: ASSET_FAILURES.noMedia };
  const durationS = playlistDurationS(topPlaylist);
  const assets: RecordingAsset[] = [];
  let error: string | null = null;
  const attempt = async (what: string, make: () => Promise<RecordingAsset>): Promise<void> => {
    try {
      assets.push(await make());
    } catch (failure) {
      context.log?.(failure, what);
      error ??= assetFailureOf(failure);
    }
  };
  // The MP4 first: the segments it is made from go afterwards when no HLS VOD was asked for
  // (and only once the MP4 exists: a failed remux keeps the media it could be retried from).
  if (state.requested.mp4) await attempt('remux a recording to MP4', () => mp4Asset(context, top, durationS));
  if (state.requested.hls_vod) await attempt('write a recording master playlist', () => hlsVodAsset(state, context, durationS));
  else if (assets.length > 0) await Promise.all(state.renditions.map((r) => rm(join(context.dir, r), { recursive: true, force: true })));
  return { assets, error };
}

class AssetError extends Error {}

/** The rendition's media playlist, ended with ENDLIST if a crash left it open; undefined if none. */
async function endedPlaylist(renditionDir: string): Promise<string | undefined> {
  const path = join(renditionDir, PLAYLIST_NAME);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined || text.trimEnd().endsWith('#EXT-X-ENDLIST')) return text;
  // Open (the server died): drop what only a live playlist has, then end it.
  const closed = `${text.split('\n').filter((line) => !/^#EXT-X-(PART|PRELOAD-HINT|PART-INF|SERVER-CONTROL|RENDITION-REPORT):/.test(line)).join('\n').trimEnd()}\n#EXT-X-ENDLIST\n`;
  await replaceFile(path, closed);
  return closed;
}

async function hlsVodAsset(state: RecordingState, context: AssetContext, durationS: number): Promise<RecordingAsset> {
  const variants = [];
  let size = 0;
  for (const rendition of state.renditions) {
    const dir = join(context.dir, rendition);
    const playlist = await endedPlaylist(dir);
    if (!playlist) throw new AssetError(ASSET_FAILURES.noMedia);
    const codecs = parseInitSegment(await readFile(join(dir, INIT_NAME))).codecs;
    const { width, height, frameRate, bandwidth } = renditionOptions(rendition, dir, true);
    variants.push({ uri: `${rendition}/${PLAYLIST_NAME}`, width, height, frameRate, bandwidth, codecs });
    size += Buffer.byteLength(playlist);
    for (const file of playlistFiles(playlist)) size += (await stat(join(dir, file))).size;
  }
  const master = masterPlaylist(variants);
  await replaceFile(join(context.dir, MASTER_NAME), master);
  return { type: 'hls_vod', url: `${context.baseUrl}/${MASTER_NAME}`, duration_s: durationS, size_bytes: size + Buffer.byteLength(master) };
}

async function mp4Asset(context: AssetContext, top: string, durationS: number): Promise<RecordingAsset> {
  const final = join(context.dir, MP4_NAME);
  const temp = join(context.dir, `.${MP4_NAME}.tmp`);
  try {
    await remuxToMp4(context.ffmpeg, join(context.dir, top, PLAYLIST_NAME), temp);
  } catch (error) {
    await rm(temp, { force: true });
    throw /No space left/i.test(String((error as Error).message)) ? Object.assign(error as Error, { code: 'ENOSPC' }) : new AssetError(ASSET_FAILURES.remuxFailed, { cause: error });
  }
  await rename(temp, final);
  return { type: 'mp4', url: `${context.baseUrl}/${MP4_NAME}`, duration_s: durationS, size_bytes: (await stat(final)).size };
}

async function replaceFile(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}
