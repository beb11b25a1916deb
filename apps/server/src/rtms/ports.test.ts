import { describe, expectTypeOf, it } from 'vitest';
import type { MediaConnection as EgressMediaConnection, MediaStreamService, SignalingObserver as EgressSignalingObserver } from '@roomcast/egress';
import type { MediaApps } from './mediaApps.js';
import type { MediaSocket } from './MediaSocket.js';
import type { AppLookup, StreamLookup } from './ports.js';
import type { SignalingSocket } from './SignalingSocket.js';

// Checked by `tsc` (typecheck): the sockets' ports and the real classes must keep fitting together.
describe('ports', () => {
  it('the real stream service and app registry satisfy what the sockets consume', () => {
    expectTypeOf<MediaStreamService>().toExtend<StreamLookup>();
    expectTypeOf<MediaApps>().toExtend<AppLookup>();
  });
  it('the sockets satisfy what the stream calls', () => {
    expectTypeOf<MediaSocket>().toExtend<EgressMediaConnection>();
    expectTypeOf<SignalingSocket>().toExtend<EgressSignalingObserver>();
  });
});
