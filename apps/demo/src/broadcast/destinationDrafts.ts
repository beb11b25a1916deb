import { RtmpDestinationSchema, type RtmpBroadcastInfo, type RtmpDestination } from '@roomcast/protocol';

/** What the form gave; the key is kept only in memory, until the broadcast is started. */
export interface DraftInput {
  name: string;
  url: string;
  key: string;
}

const FIELD_NAMES: Record<string, string> = { name: 'Name', stream_url: 'Server URL', stream_key: 'Stream key' };

/**
 * Checks a destination with the protocol's own schema (the server's rules, so no request fails
 * for something the form could have said), and that its name is not in use.
 */
export function validateDraft(input: DraftInput, takenNames: readonly string[]): { draft: RtmpDestination } | { error: string } {
  const candidate = {
    name: input.name.trim(),
    stream_url: input.url.trim(),
    // A pasted key often carries a trailing space or newline; a key never has whitespace (protocol).
    ...(input.key.trim() ? { stream_key: input.key.trim() } : {}),
  };
  const parsed = RtmpDestinationSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = FIELD_NAMES[String(issue.path[0])] ?? 'Destination';
    const why = field === 'Name' && issue.code === 'invalid_format' ? 'use letters, digits, ".", "-" and "_" only' : issue.message;
    return { error: `${field}: ${why}` };
  }
  if (takenNames.includes(parsed.data.name)) return { error: `Name: “${parsed.data.name}” is already in use` };
  return { draft: parsed.data };
}

/** Names a new destination may not take: other drafts, and broadcasts still running. */
export function takenNames(drafts: readonly RtmpDestination[], rtmps: readonly RtmpBroadcastInfo[]): string[] {
  const running = rtmps.filter((r) => r.status !== 'failed' && r.status !== 'stopped').map((r) => r.name);
  return [...drafts.map((d) => d.name), ...running];
}
