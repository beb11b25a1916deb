import { AppError, type Layout, normalizeLayout } from '@roomcast/protocol';
import { settingsForRoom, type WebLayoutSettings, webLayoutPageUrl } from './webLayoutSpec.js';

/**
 * Request-time check of a `web` layout: a page on an origin WEB_LAYOUT_ORIGINS does not allow is a
 * 400 before anything starts (and so is `web` on a server without the web layout configured).
 */
export function checkWebLayout(layout: Layout | undefined, settings: WebLayoutSettings | undefined, room?: string): void {
  if (layout === undefined) return;
  const spec = normalizeLayout(layout);
  if (spec.name !== 'web') return;
  if (!settings) throw new AppError('bad_request', 'the web layout is not available on this server');
  webLayoutPageUrl(spec.options.url, room === undefined ? settings : settingsForRoom(settings, room));
}
