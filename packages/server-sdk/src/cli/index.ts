#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { RoomcastClient } from '../RoomcastClient.js';
import { runCli } from './runCli.js';

/** The `roomcast` binary: the real process, terminal and server around runCli. */
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (chunk) => void process.stdout.write(chunk),
  stderr: (chunk) => void process.stderr.write(chunk),
  readStdin: () => text(process.stdin),
  readFile: (path) => readFile(path, 'utf8'),
  createClient: (options) => new RoomcastClient(options),
});
process.exitCode = code;
