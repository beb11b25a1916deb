import { AppError } from '@roomcast/protocol';
import type { AssetUploadTickets } from '../../routes/assetUploadTickets.js';
import type { Handler } from '../types.js';

/**
 * Logo uploads for moderators: the browser holds no management token, so it asks here for a
 * short-lived single-use ticket and POSTs the image to `/v1/assets` with it (see AssetUploadTickets).
 */
export function assetHandlers(tickets: AssetUploadTickets | undefined): { createLogoUpload: Handler<'createLogoUpload'> } {
  return {
    // Who may change the picture (setLayout) may put a logo on it.
    createLogoUpload: (ctx) => {
      ctx.participant.assertCan('start-broadcast');
      if (!tickets) throw new AppError('service_unavailable', 'asset uploads are not available on this server');
      return { upload: tickets.issue(ctx.room.name, ctx.participant.identity) };
    },
  };
}
