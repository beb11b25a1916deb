import {
  compactLayout,
  LayoutObjectSchema,
  LayoutSchema,
  normalizeLayout,
  type Layout,
  type LayoutName,
  type LayoutOptions,
  type LogoPosition,
  type Role,
} from '@roomcast/protocol';

/** What the layout editor's fields hold; empty strings and nulls mean "the layout's default". */
export interface LayoutForm {
  name: LayoutName;
  /** Only for `web`: empty means the built-in page (the room as a grid). */
  url: string;
  /** Participant identities, in the order they were pinned. */
  pinned: string[];
  /** `#rrggbb`, or null for the default background. */
  background: string | null;
  logoUrl: string;
  /** An uploaded logo's asset id (`room.uploadLogo`); when set it is the logo, and logoUrl is ignored. */
  logoAsset: string;
  logoPosition: LogoPosition;
  /** Logo width as a percentage of the picture's width (the wire takes a fraction). */
  logoSizePercent: number;
  bannerText: string;
  bannerPosition: 'top' | 'bottom';
  /** Pixels between tiles, or null for the default. */
  gap: number | null;
  rounded: boolean;
  hideVideoOff: boolean;
}

/** The corner radius "Rounded corners" asks for: visible at 360p, not a circle at 1080p. */
export const ROUNDED_TILE_RADIUS = 12;

export const EMPTY_FORM: LayoutForm = {
  name: 'grid',
  url: '',
  pinned: [],
  background: null,
  logoUrl: '',
  logoAsset: '',
  logoPosition: 'top-right',
  logoSizePercent: 12,
  bannerText: '',
  bannerPosition: 'bottom',
  gap: null,
  rounded: false,
  hideVideoOff: false,
};

export type LayoutResult = { layout: Layout } | { error: string };

/**
 * The form as the wire's layout: only the options the user set, the bare name when none (what the
 * server reports back for a plain layout), checked with the protocol's own schema so a bad field is
 * named here rather than refused by the server.
 */
export function layoutFromForm(form: LayoutForm): LayoutResult {
  const options: LayoutOptions = {};
  const url = form.url.trim();
  if (form.name === 'web' && url) options.url = url;
  if (form.pinned.length > 0) options.pinned = [...form.pinned];
  if (form.background) options.background = form.background;
  const logoUrl = form.logoUrl.trim();
  // A logo is one image: an uploaded one, else one by URL (the wire takes exactly one of them).
  const logoSource = form.logoAsset ? { asset: form.logoAsset } : logoUrl ? { url: logoUrl } : undefined;
  if (logoSource) options.logo = { ...logoSource, position: form.logoPosition, size: Math.round(form.logoSizePercent) / 100 };
  const bannerText = form.bannerText.trim();
  if (bannerText) options.banner = { text: bannerText, position: form.bannerPosition };
  if (form.gap !== null) options.gap = form.gap;
  if (form.rounded) options.tile_radius = ROUNDED_TILE_RADIUS;
  if (form.hideVideoOff) options.hide_video_off = true;
  const layout = compactLayout({ name: form.name, options });
  // The object's own schema, not the union: a union's refusal would not say which field is wrong.
  const parsed = typeof layout === 'string' ? LayoutSchema.safeParse(layout) : LayoutObjectSchema.safeParse(layout);
  if (!parsed.success) {
    const issue = parsed.error.issues[parsed.error.issues.length - 1]!;
    const field = issue.path.filter((part) => part !== 'options').join('.');
    return { error: field ? `${field}: ${issue.message}` : issue.message };
  }
  return { layout: parsed.data };
}

/** The form showing a layout (the running composite's, so the editor starts from what is on air). */
export function formFromLayout(layout: Layout): LayoutForm {
  const { name, options } = normalizeLayout(layout);
  return {
    name,
    url: options.url ?? '',
    pinned: [...(options.pinned ?? [])],
    background: options.background ?? null,
    logoUrl: options.logo?.url ?? '',
    logoAsset: options.logo?.asset ?? '',
    logoPosition: options.logo?.position ?? EMPTY_FORM.logoPosition,
    logoSizePercent: options.logo?.size !== undefined ? Math.round(options.logo.size * 100) : EMPTY_FORM.logoSizePercent,
    bannerText: options.banner?.text ?? '',
    bannerPosition: options.banner?.position ?? EMPTY_FORM.bannerPosition,
    gap: options.gap ?? null,
    rounded: (options.tile_radius ?? 0) > 0,
    hideVideoOff: options.hide_video_off ?? false,
  };
}

export interface PinCandidate {
  identity: string;
  name: string;
  /** Pinned earlier but not in the room now: still listed, so a pin is never dropped silently. */
  away: boolean;
}

interface ParticipantLike {
  identity: string;
  name: string;
  role: Role;
}

/**
 * Whom the editor offers to pin: everyone who can be on camera (not viewers), once per identity
 * (pins are identities: a reconnect gets a new id but keeps its identity), by name; then pinned
 * identities no longer present, so unchecking them stays possible.
 */
export function pinCandidates(participants: readonly ParticipantLike[], pinned: readonly string[]): PinCandidate[] {
  const byIdentity = new Map<string, PinCandidate>();
  for (const p of participants) {
    if (p.role === 'viewer' || !p.identity || byIdentity.has(p.identity)) continue;
    byIdentity.set(p.identity, { identity: p.identity, name: p.name || p.identity, away: false });
  }
  const present = [...byIdentity.values()].sort((a, b) => a.name.localeCompare(b.name) || a.identity.localeCompare(b.identity));
  const away = pinned.filter((identity) => !byIdentity.has(identity)).map((identity) => ({ identity, name: identity, away: true }));
  return [...present, ...away];
}

/** Pins in click order: a newly checked identity goes last (in spotlight the first is the big tile). */
export function togglePin(pinned: readonly string[], identity: string, on: boolean): string[] {
  const rest = pinned.filter((p) => p !== identity);
  return on ? [...rest, identity] : rest;
}

/** What the editor says about the program preview: it plays the HLS output, so it needs a live stream. */
export function previewHint(egress: { broadcasting: boolean; rtmps: readonly unknown[]; live_streams: readonly unknown[] }): string {
  if (egress.live_streams.length > 0) return 'Program preview: the live stream monitor below (a few seconds behind).';
  if (egress.rtmps.length > 0) return 'RTMP only: the program preview needs the HLS live stream (start it below).';
  return 'Off air: the layout applies when a broadcast or live stream starts.';
}
