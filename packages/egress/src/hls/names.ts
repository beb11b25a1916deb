/**
 * File names of a rendition. Parts are numbered through the whole stream, not within their
 * segment: the preload hint names the next part before anyone knows whether it starts a segment.
 */
export const INIT_NAME = 'init.mp4';
export const PLAYLIST_NAME = 'index.m3u8';

export const partName = (index: number): string => `part${index}.m4s`;
export const segmentName = (msn: number): string => `seg${msn}.m4s`;

export type MediaName = { kind: 'init'; run: number } | { kind: 'playlist' } | { kind: 'part'; index: number } | { kind: 'segment'; msn: number };

/** What a requested name refers to; undefined for anything this rendition never writes (paths included). */
export function parseMediaName(name: string): MediaName | undefined {
  if (name === INIT_NAME) return { kind: 'init', run: 0 };
  // A resumed run's init segment (HlsTimeline's initName).
  const init = /^init([1-9]\d{0,5})\.mp4$/.exec(name);
  if (init) return { kind: 'init', run: Number(init[1]) };
  if (name === PLAYLIST_NAME) return { kind: 'playlist' };
  const match = /^(part|seg)(0|[1-9]\d{0,14})\.m4s$/.exec(name);
  if (!match) return undefined;
  const n = Number(match[2]);
  return match[1] === 'part' ? { kind: 'part', index: n } : { kind: 'segment', msn: n };
}
