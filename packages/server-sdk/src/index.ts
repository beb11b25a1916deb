export { AccessToken, type AdminGrant, type ApiCredentials, type ParticipantGrant, type SignableToken } from './AccessToken.js';
export * from './RoomcastClient.js';
export { RoomcastApiError, type RoomcastApiErrorCode } from './RoomcastApiError.js';
export { WebhookReceiver, type ReceiveOptions } from './WebhookReceiver.js';
export { DEFAULT_WEBHOOK_TOLERANCE_S, verifyWebhook, WebhookVerificationError, type WebhookRejection } from './verifyWebhook.js';
export type { Capability, Role, WebhookEvent, WebhookEventType } from '@roomcast/protocol';
