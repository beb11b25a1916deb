import { type Config, ConfigError, loadConfig } from './config.js';
import { startEgressRole } from './egressNode/startEgressRole.js';
import { installCrashGuards } from './crashGuards.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.cluster.role === 'egress') return runEgressNode(config);
  const server = await startServer(config);
  installCrashGuards(server.app.log);
  if (config.devMode) {
    server.app.log.warn(
      '!!! DEV MODE: the published API key "devkey" / secret "devsecret" is in use. Anyone can mint tokens. ' +
        'Set ROOMCAST_API_KEY and ROOMCAST_API_SECRET before exposing this server. !!!',
    );
    // Only reachable with ROOMCAST_DEV_MODE=1: loadConfig refuses a public HOST otherwise.
    if (!config.demo.moderators) {
      server.app.log.warn(`!!! PUBLIC DEV SERVER (ROOMCAST_DEV_MODE on ${config.host}): anyone who knows the published secret is an admin. !!!`);
    }
  }
  server.app.log.info(`Roomcast listening on ${server.url} (demo at ${server.url}/, API docs at ${server.url}/docs)`);
  const shutdown = (signal: string): void => {
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/** ROOMCAST_ROLE=egress: compositing and outputs for the SFU nodes that connect to it. */
async function runEgressNode(config: Config): Promise<void> {
  const role = await startEgressRole(config);
  installCrashGuards(role.node.app.log);
  role.node.app.log.info(`Roomcast egress node listening on ${role.node.url} (SFU nodes find it through REDIS_URL)`);
  const shutdown = (signal: string): void => {
    role.node.app.log.info({ signal }, 'shutting down');
    role.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
