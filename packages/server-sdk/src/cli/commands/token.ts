import { CapabilitySchema, RoleSchema } from '@roomcast/protocol';
import { AccessToken } from '../../AccessToken.js';
import { type Command, integerFlag, optional, required } from '../context.js';
import { UsageError } from '../exitCodes.js';

export const tokenCommand: Command = {
  name: 'token',
  args: '--room <room> --identity <id> [--name <name>] [--role <role>] [--ttl <seconds>] [--capability <c>]…',
  summary: 'Mint a participant token locally (needs the API key and secret, not the server)',
  flagHelp: [
    '--role <role>        moderator | participant | viewer (default participant)',
    '--ttl <seconds>      60 to 604800 (default 21600: 6 hours)',
    `--capability <c>     repeatable; replaces the role's defaults: ${CapabilitySchema.options.join(', ')}`,
  ],
  examples: ['roomcast token --room standup --identity alice --role moderator --ttl 3600'],
  options: {
    room: { type: 'string' },
    identity: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'participant' },
    ttl: { type: 'string' },
    capability: { type: 'string', multiple: true },
  },
  async run(context) {
    const role = RoleSchema.safeParse(optional(context, 'role'));
    if (!role.success) throw new UsageError(`--role must be one of ${RoleSchema.options.join(', ')}`);
    const capabilities = context.values.capability as string[] | undefined;
    const bad = capabilities?.find((c) => !CapabilitySchema.safeParse(c).success);
    if (bad !== undefined) throw new UsageError(`unknown --capability "${bad}"`);
    const grant = new AccessToken(await context.credentials()).forParticipant({
      room: required(context, 'room'),
      identity: required(context, 'identity'),
      name: optional(context, 'name'),
      role: role.data,
      capabilities: capabilities?.map((c) => CapabilitySchema.parse(c)),
      ttlSeconds: integerFlag(context, 'ttl'),
    });
    const token = await grant.toJwt();
    const expiresAt = new Date(Date.now() + grant.ttlSeconds * 1000).toISOString();
    if (context.json) return context.printJson({ token, expires_at: expiresAt });
    context.print(`${token}\n`);
  },
};
