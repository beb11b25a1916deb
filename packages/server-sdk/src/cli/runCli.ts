import { parseArgs } from 'node:util';
import type { ApiCredentials } from '../AccessToken.js';
import { RoomcastApiError } from '../RoomcastApiError.js';
import { broadcastCommands } from './commands/broadcast.js';
import { recordingCommands } from './commands/recordings.js';
import { roomCommands } from './commands/rooms.js';
import { liveStreamCommands, mediaStreamCommands } from './commands/streams.js';
import { tokenCommand } from './commands/token.js';
import type { CliIo, Command, CommandContext, OptionValues } from './context.js';
import { ConfigMissingError, EXIT, type ExitCode, exitCodeOf, UsageError } from './exitCodes.js';
import { commandHelp, groupHelp, toolHelp } from './help.js';

export const COMMANDS: Command[] = [...roomCommands, tokenCommand, ...broadcastCommands, ...liveStreamCommands, ...mediaStreamCommands, ...recordingCommands];

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  'api-secret': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
const GLOBAL_VALUE_FLAGS = new Set(['--url', '--api-key', '--api-secret']);
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));

/**
 * Runs one CLI invocation and returns its exit status (see EXIT). Never throws; writes results
 * to `io.stdout` and problems to `io.stderr`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json');
  try {
    return await dispatch(argv, io);
  } catch (error) {
    reportError(error, io, json);
    return exitCodeOf(error);
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<ExitCode> {
  const { words, rest } = splitCommandWords(argv);
  const wantsHelp = rest.includes('--help') || rest.includes('-h') || words[0] === 'help';
  const command = COMMANDS.find((c) => c.name === words.join(' '));
  if (!command) {
    const group = words[0] !== undefined && GROUPS.has(words[0]) ? words[0] : undefined;
    const help = group ? groupHelp(group, COMMANDS.filter((c) => c.name.startsWith(`${group} `))) : toolHelp(COMMANDS);
    if (wantsHelp || words.length === 0 && rest.length === 0 || words[0] === 'help') {
      io[wantsHelp ? 'stdout' : 'stderr'](help);
      return wantsHelp ? EXIT.ok : EXIT.usage;
    }
    if (group && words.length === 1) throw new UsageError(`"${group}" needs a subcommand: ${help.split('\n').find((l) => l.startsWith('Usage'))}`);
    throw new UsageError(words.length === 0 ? 'missing command' : `unknown command "${words.join(' ')}"`);
  }
  if (wantsHelp) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  const { values, positionals } = parse(command, rest);
  await command.run(createContext(values, positionals, io));
  return EXIT.ok;
}

/** The command's words (`rooms list`), wherever global flags sit around them; the rest is for parseArgs. */
function splitCommandWords(argv: string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const wantsWord = words.length === 0 || (words.length === 1 && GROUPS.has(words[0]!));
    if (wantsWord && !token.startsWith('-')) {
      words.push(token);
      continue;
    }
    rest.push(token);
    if (GLOBAL_VALUE_FLAGS.has(token) && i + 1 < argv.length) rest.push(argv[++i]!);
  }
  return { words, rest };
}

function parse(command: Command, args: string[]): { values: OptionValues; positionals: string[] } {
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    // parseArgs's messages name the flag, never its value.
    throw new UsageError((error as Error).message);
  }
  const allowed = command.args.startsWith('<') ? 1 : 0;
  // The value is not echoed: a secret pasted in the wrong place must not reach a terminal log.
  if (parsed.positionals.length > allowed) throw new UsageError(`unexpected argument (${parsed.positionals.length - allowed} more than "${command.name}" takes)`);
  return parsed;
}

function createContext(values: OptionValues, positionals: string[], io: CliIo): CommandContext {
  let stdinTaken = false;
  const secret = async (flag: string): Promise<string | undefined> => {
    const value = values[flag];
    if (typeof value !== 'string') return undefined;
    if (value === '-') {
      if (stdinTaken) throw new UsageError('only one flag can read stdin');
      stdinTaken = true;
      return nonEmpty(flag, (await io.readStdin()).replace(/\r?\n$/, ''));
    }
    if (value.startsWith('@')) {
      const text = await io.readFile(value.slice(1)).catch(() => {
        throw new UsageError(`--${flag}: cannot read ${value.slice(1)}`);
      });
      return nonEmpty(flag, text.replace(/\r?\n$/, ''));
    }
    throw new UsageError(`--${flag} takes "-" (stdin) or "@<file>": a literal value would be visible to every user in the process list`);
  };
  const settings = async (needUrl: boolean): Promise<ApiCredentials & { url?: string }> => {
    const url = str(values.url) ?? io.env.ROOMCAST_URL;
    const apiKey = str(values['api-key']) ?? io.env.ROOMCAST_API_KEY;
    const apiSecret = (await secret('api-secret')) ?? io.env.ROOMCAST_API_SECRET;
    const missing = [needUrl && !url && 'ROOMCAST_URL (--url)', !apiKey && 'ROOMCAST_API_KEY (--api-key)', !apiSecret && 'ROOMCAST_API_SECRET (--api-secret)'];
    if (missing.some(Boolean)) throw new ConfigMissingError(`missing ${missing.filter(Boolean).join(', ')}`);
    return { url, apiKey: apiKey!, apiSecret: apiSecret! };
  };
  return {
    values,
    positionals,
    json: values.json === true,
    secret,
    credentials: async () => {
      const { apiKey, apiSecret } = await settings(false);
      return { apiKey, apiSecret };
    },
    async client() {
      const { url, apiKey, apiSecret } = await settings(true);
      if (!/^https?:\/\//i.test(url!)) throw new UsageError('the server URL must start with http:// or https://');
      return io.createClient({ url: url!, apiKey, apiSecret });
    },
    env: (name) => io.env[name],
    print: (text) => io.stdout(text),
    printJson: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
  };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function nonEmpty(flag: string, value: string): string {
  if (value === '') throw new UsageError(`--${flag} is empty`);
  return value;
}

function reportError(error: unknown, io: CliIo, json: boolean): void {
  if (json) {
    const status = error instanceof RoomcastApiError ? error.status : undefined;
    const code = error instanceof RoomcastApiError ? error.code : error instanceof UsageError ? 'usage' : error instanceof ConfigMissingError ? 'config_missing' : 'error';
    io.stderr(`${JSON.stringify({ error: { code, message: (error as Error).message, ...(status !== undefined ? { status } : {}) } })}\n`);
    return;
  }
  if (error instanceof RoomcastApiError) {
    io.stderr(`roomcast: ${error.status === 0 ? '' : `HTTP ${error.status} `}${error.code}: ${error.message}\n`);
  } else if (error instanceof UsageError) {
    io.stderr(`roomcast: ${error.message}\nRun "roomcast --help" for usage.\n`);
  } else {
    io.stderr(`roomcast: ${(error as Error)?.message ?? String(error)}\n`);
  }
}
