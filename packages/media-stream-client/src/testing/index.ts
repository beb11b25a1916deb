/** A loopback stand-in for Roomcast's RTMS sockets, for apps' own tests (and this package's). */
export { FakeRtmsServer, type FakeRtmsServerOptions, type FakeSocketName, type Received } from './FakeRtmsServer.js';
