import { ERROR_STATUS, ErrorBodySchema, type ErrorCode, type Method, Requests, ResponseEnvelopeSchema } from '@roomcast/protocol';

/** The fuzz's input categories, in the order the summary prints them. */
export const CATEGORIES = ['rest-body', 'path', 'headers', 'ws-token', 'signaling', 'envelope', 'binary', 'burst', 'oversize', 'bad-utf8'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Something the server must never do, with what provoked it. */
export interface Finding {
  category: Category;
  kind: string;
  input: string;
  reply: string;
  /** Server log lines at level error or worse written while the input was in flight. */
  logs: string[];
}

/**
 * WebSocket close codes a server may use on a hostile client: normal, going away, no status,
 * abnormal (terminated), bad data, policy, too big, try later, and the app's own 4xxx codes.
 * 1011 (internal error) is what a crash looks like, so it is not among them.
 */
const SANE_CLOSE_CODES = new Set([1000, 1001, 1005, 1006, 1007, 1008, 1009, 1013]);
export const isSaneCloseCode = (code: number): boolean => SANE_CLOSE_CODES.has(code) || (code >= 4000 && code <= 4999);

const EXAMPLES_PER_KIND = 3;

/** Shortens an input or a reply for a report line, keeping its length visible. */
export function preview(text: string, max = 240): string {
  const flat = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${flat}…(${text.length} chars)` : flat;
}

/** Counts inputs and outcomes per category, and keeps a few examples of each kind of finding. */
export class Tally {
  readonly inputs = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  readonly outcomes = new Map<string, number>();
  readonly findingCounts = new Map<string, number>();
  readonly findings: Finding[] = [];
  serverErrors = 0;
  crashes = 0;

  constructor(private readonly errorLogsSince: (mark: number) => string[], private readonly logMark: () => number) {}

  /** A position in the server log, to attach the lines an input caused to its finding. */
  mark(): number {
    return this.logMark();
  }

  input(category: Category, n = 1): void {
    this.inputs.set(category, (this.inputs.get(category) ?? 0) + n);
  }

  outcome(category: Category, what: string): void {
    const key = `${category}: ${what}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }

  find(category: Category, kind: string, input: string, reply: string, mark?: number): void {
    const key = `${category}/${kind}`;
    const seen = this.findingCounts.get(key) ?? 0;
    this.findingCounts.set(key, seen + 1);
    if (seen < EXAMPLES_PER_KIND) {
      this.findings.push({ category, kind, input: preview(input), reply: preview(reply, 400), logs: mark === undefined ? [] : this.errorLogsSince(mark).slice(0, 3) });
    }
  }

  /** An HTTP reply: never 5xx; every 4xx a coded error body whose code maps to that very status. */
  http(category: Category, input: string, status: number, body: string, mark?: number): ErrorCode | undefined {
    if (status >= 500) {
      this.serverErrors++;
      this.find(category, `http-${status}`, input, body, mark);
    }
    if (status < 400) {
      this.outcome(category, String(status));
      return undefined;
    }
    const code = errorCodeOf(body);
    this.outcome(category, `${status} ${code ?? 'uncoded'}`);
    if (status < 500 && !code) this.find(category, `uncoded-${status} (${signature(body)})`, input, body, mark);
    else if (code && ERROR_STATUS[code] !== status) this.find(category, `status-mismatch-${code}-${status}`, input, body, mark);
    return code;
  }

  /** A signaling reply: a well-formed envelope; an error never `internal` or 5xx; success data as the protocol says. */
  reply(category: Category, input: string, text: string, method: string | undefined, mark?: number): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.find(category, 'reply-not-json', input, text, mark);
    }
    const envelope = ResponseEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) return this.find(category, 'reply-malformed', input, text, mark);
    const reply = envelope.data;
    if (!reply.ok) {
      this.outcome(category, `error ${reply.error.code}`);
      if (ERROR_STATUS[reply.error.code] >= 500) {
        this.serverErrors++;
        this.find(category, `reply-${reply.error.code}`, input, text, mark);
      }
      return;
    }
    this.outcome(category, method ? `ok ${method}` : 'ok');
    const schema = method && method in Requests ? Requests[method as Method].response : undefined;
    if (schema && !schema.safeParse(reply.data).success) this.find(category, `bad-response-${method}`, input, text, mark);
  }

  /** Lines the server logged at level error or worse: each is a failure the server saw, whether or not a client did. */
  serverLog(category: Category, lines: string[]): void {
    for (const line of lines) {
      const message = /"msg":"([^"]{0,80})/.exec(line)?.[1] ?? 'error';
      const error = /"message":"([^"]{0,80})/.exec(line)?.[1] ?? '';
      // The one error handler logs every 5xx it sends as "... request failed": a 5xx, even if the client had gone.
      if (/request failed/.test(message)) this.serverErrors++;
      this.find(category, `server-error-log: ${message}${error ? `: ${error}` : ''}`, '(see log)', line);
    }
  }

  closed(category: Category, input: string, code: number, mark?: number): void {
    this.outcome(category, `closed ${code}`);
    if (!isSaneCloseCode(code)) this.find(category, `close-${code}`, input, `closed with ${code}`, mark);
  }

  total(): number {
    return [...this.inputs.values()].reduce((a, b) => a + b, 0);
  }

  findingTotal(): number {
    return [...this.findingCounts.values()].reduce((a, b) => a + b, 0);
  }

  summary(seed: number): string {
    const perCategory = CATEGORIES.map((c) => `${c} ${this.inputs.get(c)}`).join(', ');
    const other = this.findingTotal() - this.serverErrors;
    return `fuzz: ${this.total()} inputs (${perCategory}) seed=${seed} — ${this.crashes} crashes, ${this.serverErrors} 5xx, ${other} other findings`;
  }

  /** How many findings of each kind. */
  counts(): string {
    return [...this.findingCounts].map(([key, n]) => `${key}: ${n}`).join('\n');
  }

  /** The counts, then a few examples of each kind with input, reply and server log lines. */
  report(): string {
    const lines = [this.counts()];
    for (const f of this.findings) {
      lines.push(`- ${f.category}/${f.kind}\n    input: ${f.input}\n    reply: ${f.reply}${f.logs.map((l) => `\n    log: ${preview(l, 600)}`).join('')}`);
    }
    return lines.join('\n');
  }
}

/** What produced an uncoded answer, to group findings by cause: a framework code, its message, or nothing. */
function signature(body: string): string {
  // "0" alone is an empty chunked body, as a raw socket reads it.
  if (body.trim() === '' || body.trim() === '0') return 'empty body';
  const code = /"code":"([A-Z_]+)"/.exec(body)?.[1];
  return code ?? /"message":"([^"]{0,60})/.exec(body)?.[1] ?? body.slice(0, 40);
}

function errorCodeOf(body: string): ErrorCode | undefined {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.error.code : undefined;
  } catch {
    return undefined;
  }
}
