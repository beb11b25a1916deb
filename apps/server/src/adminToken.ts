// Prints a management token for this server's API key and secret (from the environment):
//   ADMIN=$(node apps/server/dist/adminToken.js [ttl_seconds])
import { Auth } from './auth.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const ttl = Number(process.argv[2] ?? 3600);
console.log(await new Auth(config.apiKey, config.apiSecret).mintAdmin(Number.isFinite(ttl) && ttl > 0 ? ttl : 3600));
