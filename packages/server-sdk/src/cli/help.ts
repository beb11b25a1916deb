import type { Command } from './context.js';
import { EXIT } from './exitCodes.js';

export const GLOBAL_HELP_FLAGS = [
  '--url <url>            server URL (else ROOMCAST_URL)',
  '--api-key <key>        API key (else ROOMCAST_API_KEY)',
  '--api-secret -|@file   API secret from stdin or a file (else ROOMCAST_API_SECRET); never a literal',
  '--json                 machine-readable JSON on stdout',
  '-h, --help             help for the tool or a command',
];

const EXIT_HELP = [
  `${EXIT.ok}  ok`,
  `${EXIT.usage}  usage error (unknown command or flag, bad value): nothing was sent`,
  `${EXIT.apiClientError}  the server refused the request (HTTP 4xx: not found, invalid, unauthorized)`,
  `${EXIT.apiServerError}  the server failed (HTTP 5xx) or could not be reached`,
  `${EXIT.configMissing}  URL, API key or API secret missing`,
  `${EXIT.internal}  unexpected error in the CLI`,
];

const indent = (lines: string[]): string => lines.map((line) => `  ${line}`).join('\n');

export function toolHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'roomcast: manage a Roomcast server from the shell',
    '',
    'Usage: roomcast <command> [flags]',
    '',
    'Commands:',
    indent(commands.map((c) => `${c.name.padEnd(width)}  ${c.summary}`)),
    '',
    'Global flags:',
    indent(GLOBAL_HELP_FLAGS),
    '',
    'Exit codes:',
    indent(EXIT_HELP),
    '',
    'Run "roomcast <command> --help" for a command\'s flags.',
    '',
  ].join('\n');
}

export function groupHelp(group: string, commands: Command[]): string {
  return toolHelp(commands).replace('Usage: roomcast <command> [flags]', `Usage: roomcast ${group} <${commands.map((c) => c.name.split(' ')[1]).join('|')}> [flags]`);
}

export function commandHelp(command: Command): string {
  return [
    `roomcast ${command.name}: ${command.summary}`,
    '',
    `Usage: roomcast ${command.name}${command.args ? ` ${command.args}` : ''} [--json]`,
    ...(command.flagHelp ? ['', 'Flags:', indent(command.flagHelp)] : []),
    ...(command.examples ? ['', 'Examples:', indent(command.examples)] : []),
    '',
    'Global flags:',
    indent(GLOBAL_HELP_FLAGS),
    '',
    'Exit codes:',
    indent(EXIT_HELP),
    '',
  ].join('\n');
}
