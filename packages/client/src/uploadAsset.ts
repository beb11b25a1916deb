import { type AssetInfo, AssetInfoSchema, type AssetUploadTicket, ErrorBodySchema } from '@roomcast/protocol';
import { RoomcastError } from './errors.js';

/**
 * POSTs one image to the server with an upload ticket (signaling `createLogoUpload`): the body is
 * the bytes, typed by the Blob (a File from an `<input type=file>` carries it). Server errors keep
 * their code (413 too large, 415 not a PNG/JPEG/WebP).
 */
export async function uploadAsset(serverUrl: string, ticket: AssetUploadTicket, image: Blob): Promise<AssetInfo> {
  if (image.size > ticket.max_bytes) throw new RoomcastError('payload_too_large', `the image is larger than ${ticket.max_bytes} bytes`);
  let response: Response;
  try {
    response = await fetch(new URL(ticket.url, serverUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket.token}`, 'content-type': image.type || 'application/octet-stream' },
      body: image,
    });
  } catch (error) {
    throw new RoomcastError('connection_closed', 'the upload could not reach the server', { cause: error });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ErrorBodySchema.safeParse(body);
    if (error.success) throw new RoomcastError(error.data.error.code, error.data.error.message);
    throw new RoomcastError('invalid_response', `the upload failed with HTTP ${response.status}`);
  }
  const parsed = AssetInfoSchema.safeParse((body as { asset?: unknown } | undefined)?.asset);
  if (!parsed.success) throw new RoomcastError('invalid_response', 'the upload answer does not match the protocol');
  return parsed.data;
}
