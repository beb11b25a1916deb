import type { FfmpegExit } from '../ffmpeg/FfmpegProcess.js';

/**
 * Every reason a destination's `error` can show. RtmpBroadcastInfo.error goes to REST, to every
 * participant and to webhooks, so it is one of these fixed phrases, never FFmpeg's or Node's text
 * (which can carry URLs, keys, paths); the detail goes to the operator's log, redacted.
 */
export const RELAY_FAILURES = {
  refused: 'destination refused the connection',
  unreachable: 'destination not reachable',
  closed: 'destination closed the connection',
  timedOut: 'destination timed out',
  stalled: 'destination stopped reading the stream',
  rejected: 'destination rejected the stream',
  tlsUntrusted: 'TLS certificate not trusted',
  tlsHostMismatch: 'TLS certificate does not match host',
  tlsFailed: 'TLS handshake failed',
  notAllowed: 'destination is not allowed',
  startFailed: 'could not start the relay',
  crashed: 'the relay stopped unexpectedly',
} as const;

export type RelayFailure = (typeof RELAY_FAILURES)[keyof typeof RELAY_FAILURES];

/** First match wins: the specific TLS reasons before "I/O error", a timeout before "handshake". */
const STDERR_PATTERNS: ReadonlyArray<[RegExp, RelayFailure]> = [
  [/does not match hostname|certificate's owner does not match|hostname mismatch/i, RELAY_FAILURES.tlsHostMismatch],
  [/failed verification|not trusted|issuer is unknown|self[- ]signed|certificate has expired|certificate verify failed/i, RELAY_FAILURES.tlsUntrusted],
  [/connection refused/i, RELAY_FAILURES.refused],
  [/timed out|timeout/i, RELAY_FAILURES.timedOut],
  [/failed to resolve|name or service not known|name resolution|no address associated|unreachable|no route to host/i, RELAY_FAILURES.unreachable],
  [/server error|netstream\.publish\.(?:badname|denied)|unauthori[sz]ed|forbidden/i, RELAY_FAILURES.rejected],
  [/end of file|connection reset|broken pipe|non-properly terminated|connection closed/i, RELAY_FAILURES.closed],
  [/\btls\b|\bssl\b|gnutls|certificate|pull function|push function/i, RELAY_FAILURES.tlsFailed],
];

/**
 * The phrase for a relay FFmpeg that ended while it should have been sending: chosen from its
 * stderr tail, whether we cut it off for not reading (`stalled`), and how it exited.
 */
export function relayFailureOf(exit: FfmpegExit, stalled = false): RelayFailure {
  if (stalled) return RELAY_FAILURES.stalled;
  const text = exit.stderr.join('\n');
  for (const [pattern, failure] of STDERR_PATTERNS) if (pattern.test(text)) return failure;
  if (exit.signal) return RELAY_FAILURES.crashed;
  // No reason given: the destination ended the session (FFmpeg then exits on its own).
  return RELAY_FAILURES.closed;
}
