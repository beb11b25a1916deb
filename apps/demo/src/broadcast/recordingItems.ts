import { type LiveStreamInfo, type RecordingAsset, RecordingInfoSchema } from '@roomcast/protocol';
import { absoluteUrl } from './liveStreamView.js';

/** One recording the control room lists: a live stream's finished assets, or why some are missing. */
export interface RecordingEntry {
  /** The live stream's id (a recording's id is its live stream's). */
  id: string;
  assets: RecordingAsset[];
  error: string | null;
}

/** One line of the list: what the asset is, how long and big, and where to download it. */
export interface AssetItem {
  type: RecordingAsset['type'];
  label: string;
  details: string;
  /** Absolute, with the signature the server gave it (HLS_SIGNED_URLS). */
  href: string;
  /** The file name a download gets. */
  download: string;
}

const LABELS: Record<RecordingAsset['type'], string> = { hls_vod: 'HLS (VOD)', mp4: 'MP4' };

/**
 * The recording a `recording.ready` room event carries (`{live_stream, recording}`), or
 * undefined for any other event or a malformed one (checked with the protocol's schema).
 */
export function recordingFromEvent(type: string, data: Record<string, unknown>): RecordingEntry | undefined {
  if (type !== 'recording.ready') return undefined;
  const parsed = RecordingInfoSchema.safeParse(data.recording);
  return parsed.success ? { id: parsed.data.id, assets: parsed.data.assets, error: parsed.data.error } : undefined;
}

/** A stop's answer lists the assets when the recording was finished by then; nothing otherwise. */
export function recordingFromStop(stream: LiveStreamInfo): RecordingEntry | undefined {
  const { assets } = stream.recording;
  return assets.length > 0 ? { id: stream.id, assets, error: null } : undefined;
}

export function assetItems(entry: RecordingEntry, origin: string): AssetItem[] {
  return entry.assets.map((asset) => ({
    type: asset.type,
    label: LABELS[asset.type],
    details: `${durationText(asset.duration_s)} · ${sizeText(asset.size_bytes)}`,
    href: absoluteUrl(asset.url, origin),
    download: asset.type === 'mp4' ? `${entry.id}.mp4` : `${entry.id}.m3u8`,
  }));
}

/** "0:07", "12:05", "1:02:03". */
export function durationText(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** "512 B", "3.4 KB", "12.0 MB" (powers of 1000, as file managers show them). */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
