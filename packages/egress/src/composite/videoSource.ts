import type { LayoutSpec } from '@roomcast/protocol';

/** An X display the encoders may grab themselves: a web layout's page, alone on its own Xvfb. */
export interface DisplaySource {
  kind: 'display';
  /** `:N`, as Xvfb picked it. */
  display: string;
  /** The cookie file that lets a client onto that display. */
  xauthority: string;
}

/**
 * Where an encoder takes its pictures from: the compositor's raw frames on stdin (`pipe`), or, for
 * a `web` layout with nothing to draw over the page, straight from the page's display with x11grab.
 * The second spares the composite a grab process of its own, carrying every picture through Node
 * and drawing it once more (bench:web-layout: about 0.05 of a core at 360p30).
 */
export type VideoSource = { kind: 'pipe' } | DisplaySource;

export const PIPE_SOURCE: VideoSource = { kind: 'pipe' };

export function sameVideoSource(a: VideoSource, b: VideoSource): boolean {
  return a.kind === b.kind && (a.kind === 'pipe' || (b.kind === 'display' && a.display === b.display));
}

/**
 * The source the encoders should read for this layout: the page's display when the layout is
 * `web`, the page is showing on a display, and no logo or banner must be drawn over it (the page
 * fills the canvas, so the background and tile options change nothing); otherwise the compositor.
 */
export function videoSourceFor(layout: LayoutSpec, display: DisplaySource | undefined): VideoSource {
  const drawnOver = layout.options.logo != null || layout.options.banner != null;
  return layout.name === 'web' && display && !drawnOver ? display : PIPE_SOURCE;
}
