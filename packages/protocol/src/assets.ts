import { z } from 'zod';

/*
 * Uploaded assets (layout logos): `POST /v1/assets` with the image bytes, `GET`/`DELETE
 * /v1/assets/:id`, and a short-lived upload ticket for moderators (signaling `createLogoUpload`),
 * since the browser holds no management token. A layout's logo names one as `{asset: id}`.
 */

/** Random, URL-safe: what the server hands out (`as_` + 22 base64url characters). */
export const AssetIdSchema = z.string().regex(/^as_[A-Za-z0-9_-]{22}$/, 'an asset id as returned by POST /v1/assets');
export type AssetId = z.infer<typeof AssetIdSchema>;

/** The image types a logo may have (checked by magic bytes, not just the header). */
export const AssetContentTypeSchema = z.enum(['image/png', 'image/jpeg', 'image/webp']);
export type AssetContentType = z.infer<typeof AssetContentTypeSchema>;

/** The largest asset accepted, bytes (the same limit as a logo fetched by URL). */
export const ASSET_MAX_BYTES = 2 * 1024 * 1024;

export const AssetInfoSchema = z.object({
  id: AssetIdSchema,
  content_type: AssetContentTypeSchema,
  size: z.number().int(),
  created_at: z.string(),
  /** `GET` here (management auth) returns the bytes. */
  url: z.string(),
});
export type AssetInfo = z.infer<typeof AssetInfoSchema>;

export const AssetParamsSchema = z.object({ id: AssetIdSchema });

/** Where a moderator's browser POSTs a logo: `Authorization: Bearer <token>`, body = the image bytes. */
export const AssetUploadTicketSchema = z.object({
  url: z.string(),
  token: z.string(),
  expires_at: z.string(),
  max_bytes: z.number().int(),
});
export type AssetUploadTicket = z.infer<typeof AssetUploadTicketSchema>;
