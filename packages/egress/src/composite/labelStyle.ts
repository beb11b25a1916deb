import type { LayoutOptions } from '@roomcast/protocol';

/** How tiles are labelled with the participant's name (drawn by each video decoder's drawtext). */
export interface LabelStyle {
  show: boolean;
  color?: string;
  background?: string;
}

export const DEFAULT_LABELS: LabelStyle = { show: true };

/** A layout's `labels` option (absent or true: today's white on translucent black). */
export function labelStyle(labels: LayoutOptions['labels']): LabelStyle {
  if (labels === undefined || labels === true) return DEFAULT_LABELS;
  if (labels === false) return { show: false };
  return { show: labels.show ?? true, color: labels.color, background: labels.background };
}

/**
 * Equal for styles a decoder draws alike. Labels are drawn by the decoders (no per-frame cost in
 * Node), so a change of style starts new decoders beside the old ones, as a tile resize does.
 */
export function labelKey(style: LabelStyle = DEFAULT_LABELS): string {
  return style.show ? `${style.color ?? ''}/${style.background ?? ''}` : 'none';
}
