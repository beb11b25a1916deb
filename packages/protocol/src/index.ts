export * from './common.js';
export * from './errors.js';
export * from './egress.js';
export * from './room.js';
export * from './rest.js';
export * from './signaling.js';
export * from './tokens.js';
export * from './webhooks.js';
