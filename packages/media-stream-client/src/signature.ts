import { createHmac } from 'node:crypto';
import { mediaStreamSignatureInput } from '@roomcast/protocol';

/** What both handshakes carry: hex HMAC-SHA256(client_secret, `client_id,room_id,stream_id`). */
export function signHandshake(clientId: string, clientSecret: string, roomId: string, streamId: string): string {
  return createHmac('sha256', clientSecret).update(mediaStreamSignatureInput(clientId, roomId, streamId)).digest('hex');
}
