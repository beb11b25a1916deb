import { z } from 'zod';
import { AssetIdSchema } from './assets.js';
import { IdentitySchema } from './common.js';

/** The composite's layouts; `web` renders a page (options.url) instead of the built-in tiles. */
export const LayoutNameSchema = z.enum(['grid', 'spotlight', 'single-participant', 'web']);
export type LayoutName = z.infer<typeof LayoutNameSchema>;

/** `#rrggbb`: what the compositor converts to YUV; no alpha (opacity is its own option where it exists). */
export const HexColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((url) => /^https?:\/\//i.test(url), 'an http(s) URL');

export const LogoPositionSchema = z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']);
export type LogoPosition = z.infer<typeof LogoPositionSchema>;

export const LogoOptionsSchema = z
  .strictObject({
    /** An http(s) image (PNG, JPEG or WebP), fetched once when the composite starts or the option changes. */
    url: httpUrl.optional(),
    /** Or an image uploaded with `POST /v1/assets` (read from the server's disk, no HTTP). */
    asset: AssetIdSchema.optional(),
    position: LogoPositionSchema.optional(),
    /** Width as a fraction of the canvas width (height follows the image's aspect). */
    size: z.number().min(0.02).max(0.5).optional(),
    opacity: z.number().min(0).max(1).optional(),
    /** Distance from the canvas edges, px of the canvas. */
    margin: z.number().int().min(0).max(256).optional(),
  })
  .refine((logo) => (logo.url === undefined) !== (logo.asset === undefined), { message: 'a logo needs exactly one of url or asset' });
export type LogoOptions = z.infer<typeof LogoOptionsSchema>;

export const LabelOptionsSchema = z.strictObject({
  show: z.boolean().optional(),
  color: HexColorSchema.optional(),
  background: HexColorSchema.optional(),
});
export type LabelOptions = z.infer<typeof LabelOptionsSchema>;

export const BannerOptionsSchema = z.strictObject({
  text: z.string().min(1).max(120),
  color: HexColorSchema.optional(),
  background: HexColorSchema.optional(),
  position: z.enum(['top', 'bottom']).optional(),
});
export type BannerOptions = z.infer<typeof BannerOptionsSchema>;

export const ScreenShareModeSchema = z.enum(['spotlight', 'grid', 'only']);
export type ScreenShareMode = z.infer<typeof ScreenShareModeSchema>;

/** Every option is optional; absent means today's look (see LAYOUT_DEFAULTS in the egress). */
export const LayoutOptionsSchema = z.strictObject({
  background: HexColorSchema.optional(),
  logo: LogoOptionsSchema.nullable().optional(),
  labels: z.union([z.boolean(), LabelOptionsSchema]).optional(),
  gap: z.number().int().min(0).max(64).optional(),
  tile_radius: z.number().int().min(0).max(64).optional(),
  /** Participant identities (what users know and tokens carry), shown first; in spotlight the first is the big tile. */
  pinned: z.array(IdentitySchema).max(16).optional(),
  screen_share: ScreenShareModeSchema.optional(),
  hide_video_off: z.boolean().optional(),
  banner: BannerOptionsSchema.nullable().optional(),
  /** Only for `web`: the page to render. */
  url: httpUrl.optional(),
});
export type LayoutOptions = z.infer<typeof LayoutOptionsSchema>;

export const LayoutObjectSchema = z
  .strictObject({ name: LayoutNameSchema, options: LayoutOptionsSchema.optional() })
  .refine((layout) => layout.options?.url === undefined || layout.name === 'web', {
    message: 'options.url is only for the web layout',
    path: ['options', 'url'],
  });

/** A layout wherever one is accepted: a name (`"grid"`), or `{name, options}`. */
export const LayoutSchema = z.union([LayoutNameSchema, LayoutObjectSchema]);
export type Layout = z.input<typeof LayoutSchema>;

/** A layout in one shape, for code that uses it. */
export interface LayoutSpec {
  name: LayoutName;
  options: LayoutOptions;
}

export function normalizeLayout(layout: Layout): LayoutSpec {
  return typeof layout === 'string' ? { name: layout, options: {} } : { name: layout.name, options: { ...layout.options } };
}

/** The shortest equivalent form for reports: the bare name when there are no options (today's wire shape). */
export function compactLayout(spec: LayoutSpec): Layout {
  return Object.keys(spec.options).length === 0 ? spec.name : { name: spec.name, options: spec.options };
}

export function layoutName(layout: Layout): LayoutName {
  return typeof layout === 'string' ? layout : layout.name;
}

/** `PUT /v1/rooms/:room/egress/layout` and the `setLayout` signaling request. */
export const SetLayoutBodySchema = z.strictObject({ layout: LayoutSchema });
export type SetLayoutBody = z.infer<typeof SetLayoutBodySchema>;
