import type { ParseArgsConfig } from 'node:util';
import type { RoomcastClient, RoomcastClientOptions } from '../RoomcastClient.js';
import type { ApiCredentials } from '../AccessToken.js';
import { UsageError } from './exitCodes.js';

/** The parts of the client the commands use: tests pass a stub. */
export type CliClient = Pick<RoomcastClient, 'rooms' | 'rtmpBroadcasts' | 'egress' | 'liveStreams' | 'mediaStreams' | 'recordings'>;

/** The outside world of a CLI run, injected so tests need no process, terminal or server. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of stdin (for `--key -` / `--api-secret -`). */
  readStdin: () => Promise<string>;
  readFile: (path: string) => Promise<string>;
  createClient: (options: RoomcastClientOptions) => CliClient;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  json: boolean;
  /** Connects with the URL and credentials from flags or environment (exit 4 if missing). */
  client(): Promise<CliClient>;
  credentials(): Promise<ApiCredentials>;
  /** A secret flag's value: `-` reads stdin, `@path` reads a file; literals are refused (argv is public). */
  secret(flag: string): Promise<string | undefined>;
  /** An environment variable of the run. */
  env(name: string): string | undefined;
  print(text: string): void;
  printJson(value: unknown): void;
}

export interface Command {
  /** `rooms list`, `token`… */
  name: string;
  /** After the name in the usage line. */
  args: string;
  summary: string;
  /** Per-flag help lines, `--flag <value>  what it does`. */
  flagHelp?: string[];
  examples?: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  run(context: CommandContext): Promise<void>;
}

/** A required string flag, or the first positional when the command allows it. */
export function required(context: CommandContext, flag: string, positionalIndex?: number): string {
  const value = context.values[flag] ?? (positionalIndex === undefined ? undefined : context.positionals[positionalIndex]);
  if (typeof value !== 'string' || value === '') throw new UsageError(`missing --${flag}`);
  return value;
}

export function optional(context: CommandContext, flag: string): string | undefined {
  const value = context.values[flag];
  return typeof value === 'string' ? value : undefined;
}

/** `--ttl 3600` → 3600; anything else is a usage error. */
export function integerFlag(context: CommandContext, flag: string): number | undefined {
  const value = optional(context, flag);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number`);
  return Number(value);
}

/** A layout is a name (`grid`) or JSON (`{"name":"grid","options":{…}}`). */
export function layoutFlag(context: CommandContext): unknown {
  const value = optional(context, 'layout');
  if (value === undefined || !value.trimStart().startsWith('{')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new UsageError('--layout must be a layout name or a JSON object');
  }
}
