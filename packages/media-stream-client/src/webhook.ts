/*
 * Webhook verification has one implementation, in @roomcast/server-sdk (it needs node:crypto, so
 * it cannot live in @roomcast/protocol, which also runs in browsers). Re-exported here so apps
 * written against this package keep their import.
 */
export { verifyWebhook } from '@roomcast/server-sdk';
