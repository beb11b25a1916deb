import { readTokenClaims, type Room } from '@roomcast/client';
import type { Toasts } from '../Toasts.js';
import { MediaAppsPanel } from './MediaAppsPanel.js';
import { MediaStreamIndicator } from './MediaStreamIndicator.js';
import { MediaStreamRequests } from './MediaStreamRequests.js';
import { mediaStreamRights } from './mediaStreamView.js';

/** The meeting's media-stream parts: the indicator everyone sees, moderators' prompts, the Apps panel. */
export function wireMediaStreams(room: Room, token: string, appsToggle: HTMLButtonElement, toasts: Toasts): void {
  const rights = mediaStreamRights(readTokenClaims(token));
  const requests = new MediaStreamRequests(room, toasts);
  new MediaStreamIndicator(room, toasts, rights.control);
  new MediaAppsPanel(room, appsToggle, { moderator: rights.start, toasts, requests });
}
