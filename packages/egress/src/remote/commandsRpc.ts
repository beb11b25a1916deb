import { AppError, ErrorCodeSchema } from '@roomcast/protocol';
import type { EgressCommands } from './EgressCommands.js';
import { type MessagePipe, rpcOver } from './feedChannel.js';

const CHANNEL = 'egress-commands';

/** An AppError as it crosses a pipe (structured clone keeps an Error's message, not its code). */
interface WireError {
  code: string;
  message: string;
  destination?: boolean;
}

const NAMES: ReadonlyArray<keyof EgressCommands> = [
  'startBroadcasts', 'stopBroadcast', 'stopAllBroadcasts', 'setLayout', 'startLiveStream', 'stopLiveStream',
  'startMediaStream', 'controlMediaStream', 'setMediaConsent', 'adoptLiveStream', 'adoptMediaStream',
];

type Call = (...args: unknown[]) => Promise<unknown>;

/** Every command of `target`, each with its failure turned by `mapError`. */
function mapCommands(target: Record<string, unknown>, mapError: (error: unknown) => unknown): EgressCommands {
  return Object.fromEntries(
    NAMES.map((name) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (target[name] as Call)(...args);
        } catch (error) {
          throw mapError(error);
        }
      },
    ]),
  ) as unknown as EgressCommands;
}

/** The egress's end: answers the SFU's commands with `commands` (its EgressService). */
export function serveEgressCommands(pipe: MessagePipe, commands: EgressCommands): { close(): void } {
  const local = mapCommands(commands as unknown as Record<string, unknown>, toWire);
  const rpc = rpcOver<Record<string, never>, EgressCommands>(pipe, local, CHANNEL, []);
  return { close: () => rpc.$close() };
}

/** The SFU's end: EgressCommands that run in the egress process; its errors come back as AppErrors. */
export function callEgressCommands(pipe: MessagePipe): { commands: EgressCommands; close(): void } {
  const rpc = rpcOver<EgressCommands, Record<string, never>>(pipe, {}, CHANNEL, []);
  const commands = mapCommands(rpc as unknown as Record<string, unknown>, fromWire);
  return { commands, close: () => rpc.$close() };
}

function toWire(error: unknown): WireError {
  if (error instanceof AppError) return { code: error.code, message: error.message, destination: error.destination };
  return { code: 'internal', message: 'the egress failed to do that' };
}

function fromWire(error: unknown): AppError {
  const wire = error as Partial<WireError> | undefined;
  const code = ErrorCodeSchema.safeParse(wire?.code);
  if (code.success && typeof wire?.message === 'string') return new AppError(code.data, wire.message, { destination: wire.destination === true });
  // A closed pipe or a timeout: the egress process is gone or stuck.
  return new AppError('service_unavailable', 'the egress is restarting; try again in a few seconds', { cause: error });
}
