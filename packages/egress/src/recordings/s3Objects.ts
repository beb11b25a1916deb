import { posix } from 'node:path';
import type { RecordingAsset } from '@roomcast/protocol';
import { INIT_NAME, parseMediaName, PLAYLIST_NAME } from '../hls/names.js';
import { playlistFiles } from './mp4Remux.js';
import { MASTER_NAME, MP4_NAME } from './recordingAssets.js';

/*
 * Pure mapping of a recording's files to S3 objects: keys, content types, object URLs. The bucket
 * mirrors the recording's directory, so a player given the master's URL finds the rest relatively.
 */

/** Where the bucket is (RECORDINGS_S3_*); credentials are the SDK's business, never ours. */
export interface S3Location {
  bucket: string;
  /** Prefix of every key, e.g. `recordings/`. */
  prefix: string;
  /** S3-compatible stores (MinIO, R2…); none: AWS. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

/** `<prefix><recording id>/<relative path>`; the relative path uses `/` whatever the platform. */
export function objectKey(prefix: string, id: string, relativePath: string): string {
  return `${prefix}${id}/${posix.normalize(relativePath.split('\\').join('/'))}`;
}

/** The Content-Type a player expects, the same the server sends for these files. */
export function contentTypeOf(relativePath: string): string {
  if (relativePath.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (relativePath.endsWith('.m4s')) return 'video/iso.segment';
  if (relativePath.endsWith('.mp4')) return 'video/mp4';
  return 'application/octet-stream';
}

/** The object's URL: path style or virtual host on the endpoint, or AWS's virtual host without one. */
export function objectUrl(location: S3Location, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (!location.endpoint) return `https://${location.bucket}.s3.${location.region}.amazonaws.com/${path}`;
  const endpoint = new URL(location.endpoint);
  const base = endpoint.pathname.replace(/\/+$/, '');
  if (location.forcePathStyle) return `${endpoint.origin}${base}/${location.bucket}/${path}`;
  return `${endpoint.protocol}//${location.bucket}.${endpoint.host}${base}/${path}`;
}

/** The file an asset's storage points at (a player opens it): the master playlist or the MP4. */
export function assetEntry(type: RecordingAsset['type']): string {
  return type === 'mp4' ? MP4_NAME : MASTER_NAME;
}

/**
 * Every file of an HLS VOD, relative to the recording's directory: the master, then per rendition
 * its media playlist and what that playlist names (init segment and segments, never parts).
 */
export function hlsVodFiles(playlists: ReadonlyArray<{ rendition: string; playlist: string }>): string[] {
  const files = [MASTER_NAME];
  for (const { rendition, playlist } of playlists) {
    // Only names a rendition writes: a playlist edited on disk must not send other files out.
    const named = playlistFiles(playlist).filter((name) => parseMediaName(name)?.kind === 'segment' || name === INIT_NAME);
    const media = named.includes(INIT_NAME) ? named : [INIT_NAME, ...named];
    files.push(`${rendition}/${PLAYLIST_NAME}`, ...media.map((name) => `${rendition}/${name}`));
  }
  return files;
}
