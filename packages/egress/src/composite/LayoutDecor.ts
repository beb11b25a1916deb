import type { LayoutSpec, LogoOptions } from '@roomcast/protocol';
import type { AssetStore } from '../assets/AssetStore.js';
import type { DestinationPolicy } from '../destinations/DestinationPolicy.js';
import { type FrameCanvas, rgbToYuv, type Yuv, type YuvFrame } from './FrameCanvas.js';
import type { Rect } from './layout.js';
import { bannerY, renderBanner } from './overlays/BannerOverlay.js';
import { drawLogo, loadLogo, prepareLogo, sameLogoImage } from './overlays/LogoOverlay.js';
import type { PreparedOverlay, YuvaImage } from './overlays/Overlay.js';
import { roundCorners } from './tileShape.js';

export interface LayoutDecorOptions {
  width: number;
  height: number;
  /** The server's EGRESS_BACKGROUND: a layout without `background` uses it. */
  background: string;
  fontFile?: string;
  /** Where logos may be fetched from; none: logo URLs are not drawn. */
  destinations?: DestinationPolicy;
  /** Uploaded logos (`{asset}`), read from disk; none: asset logos are not drawn. */
  assets?: Pick<AssetStore, 'read'>;
  /** A logo or banner that could not be made (the picture goes on without it). */
  onWarning?: (what: 'logo' | 'banner', reason: string) => void;
}

/**
 * What a layout's options draw besides the tiles: the background colour, rounded tile corners,
 * the logo and the banner. Logos and banners are made asynchronously (fetch, FFmpeg) when the
 * options change and appear from the next frame once ready; `version` changes whenever what is
 * drawn changes, so the compositor knows to redraw.
 */
export class LayoutDecor {
  version = 0;
  #background: Yuv;
  #backgroundHex = '';
  #radius = 0;
  #logo: { options: LogoOptions; image: YuvaImage; prepared: PreparedOverlay } | undefined;
  #banner: { frame: YuvFrame; rect: Rect } | undefined;
  #logoKey = '';
  #bannerKey = '';
  #closed = false;

  constructor(readonly options: LayoutDecorOptions) {
    this.#background = rgbToYuv(options.background);
  }

  /** Applies a layout's options; anything that needs fetching or rendering follows when ready. */
  set(spec: LayoutSpec, canvas: FrameCanvas): void {
    const o = spec.options;
    const hex = o.background ?? this.options.background;
    if (hex !== this.#backgroundHex) {
      this.#backgroundHex = hex;
      this.#background = rgbToYuv(hex);
      canvas.setBackground(hex);
    }
    this.#radius = o.tile_radius ?? 0;
    this.#setLogo(o.logo ?? undefined);
    this.#setBanner(o.banner ?? undefined);
    this.version++;
  }

  close(): void {
    this.#closed = true;
  }

  /** After a tile is drawn. A picture that fills the canvas (one person, a web page) keeps its corners. */
  shapeTile(canvas: FrameCanvas, rect: Rect): void {
    const fills = rect.width >= canvas.width && rect.height >= canvas.height;
    if (this.#radius > 0 && !fills) roundCorners(canvas, rect, this.#radius, this.#background);
  }

  /** After every tile is drawn. */
  drawOverlays(canvas: FrameCanvas): void {
    if (this.#banner) canvas.draw(this.#banner.frame, this.#banner.rect);
    if (this.#logo) drawLogo(canvas, this.#logo.prepared, this.#logo.options);
  }

  #setLogo(logo: LogoOptions | undefined): void {
    const key = logo ? JSON.stringify(logo) : '';
    if (key === this.#logoKey) return;
    this.#logoKey = key;
    // Same image, other placement: no refetch.
    if (logo && this.#logo && sameLogoImage(this.#logo.options, logo)) {
      this.#logo = { options: logo, image: this.#logo.image, prepared: prepareLogo(this.#logo.image, logo) };
      return;
    }
    this.#logo = undefined;
    if (!logo) return;
    loadLogo(logo, this.options.width, { policy: this.options.destinations, assets: this.options.assets }).then(
      (image) => {
        if (this.#closed || this.#logoKey !== key) return;
        this.#logo = { options: logo, image, prepared: prepareLogo(image, logo) };
        this.version++;
      },
      (error: Error) => {
        if (!this.#closed && this.#logoKey === key) this.options.onWarning?.('logo', error.message);
      },
    );
  }

  #setBanner(banner: LayoutSpec['options']['banner']): void {
    const key = banner ? JSON.stringify(banner) : '';
    if (key === this.#bannerKey) return;
    this.#bannerKey = key;
    if (!banner) {
      this.#banner = undefined;
      return;
    }
    const { width, height, fontFile } = this.options;
    // The old banner stays until the new one is ready: a text change never blinks.
    renderBanner(banner, width, height, fontFile).then(
      (frame) => {
        if (this.#closed || this.#bannerKey !== key) return;
        this.#banner = { frame, rect: { x: 0, y: bannerY(height, banner), width: frame.width, height: frame.height } };
        this.version++;
      },
      (error: Error) => {
        if (!this.#closed && this.#bannerKey === key) this.options.onWarning?.('banner', error.message);
      },
    );
  }
}
