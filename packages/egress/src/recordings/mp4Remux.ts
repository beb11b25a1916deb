import { execFile } from 'node:child_process';

/** A remux is a copy: even an hour of media is written in seconds. Past this, it is stuck. */
const REMUX_TIMEOUT_MS = 10 * 60_000;

/**
 * FFmpeg arguments that copy an ended fMP4 HLS media playlist into one MP4 (no re-encode). Pure.
 * The output format is forced: the caller writes to a temporary name (no `.mp4` to guess from).
 */
export function mp4RemuxArgs(playlistPath: string, outputPath: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // The playlist names local files only; nothing it lists may reach the network.
    '-protocol_whitelist', 'file',
    // init.mp4 and .m4s are not extensions the hls demuxer accepts by default.
    '-allowed_extensions', 'ALL',
    '-i', playlistPath,
    '-map', '0:v:0', '-map', '0:a:0?',
    // Copy: the recording already is H.264 + AAC.
    '-c', 'copy',
    // moov before mdat: a player starts before the whole file has arrived.
    '-movflags', '+faststart',
    '-f', 'mp4',
    '-y', outputPath,
  ];
}

/** Runs the remux; rejects with FFmpeg's last words (for the operator's log, never for users). */
export function remuxToMp4(ffmpeg: string, playlistPath: string, outputPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(ffmpeg, mp4RemuxArgs(playlistPath, outputPath), { timeout: REMUX_TIMEOUT_MS, maxBuffer: 1 << 20 }, (error, _out, stderr) => {
      if (!error) return resolve();
      reject(new Error(`mp4 remux failed: ${String(stderr).trim().split('\n').slice(-3).join(' | ') || error.message}`, { cause: error }));
    });
  });
}

/** The total of a media playlist's EXTINF durations, in seconds (millisecond precision). */
export function playlistDurationS(playlist: string): number {
  let total = 0;
  for (const match of playlist.matchAll(/^#EXTINF:([\d.]+)/gm)) total += Number(match[1]);
  return Math.round(total * 1000) / 1000;
}

/** The segment and init files a media playlist names (EXT-X-MAP URI and segment lines). */
export function playlistFiles(playlist: string): string[] {
  const files: string[] = [];
  for (const line of playlist.split('\n')) {
    const map = /^#EXT-X-MAP:.*URI="([^"]+)"/.exec(line);
    if (map) files.push(map[1]!);
    else if (line && !line.startsWith('#')) files.push(line.trim());
  }
  return files;
}
