/** Lifecycle messages between the SFU and its egress process, beside the RPC channels. */
export const EGRESS_CHILD_READY = 'egress-ready';

export type EgressChildMessage = { type: typeof EGRESS_CHILD_READY; url: string } | { type: 'egress-shutdown' };
