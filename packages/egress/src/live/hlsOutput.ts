import { HlsRendition } from '../hls/HlsRendition.js';
import { masterPlaylist } from '../hls/masterPlaylist.js';
import type { HlsOutput } from './LiveRendition.js';

/** The real HLS output: an HlsRendition (FFmpeg copy-remux + our LL-HLS packager) per rendition. */
export const hlsOutput: HlsOutput = {
  start: (source, options) => HlsRendition.start(source, options),
  masterPlaylist,
};
