export { startServer, type RunningServer } from './server.js';
export { loadConfig, type Config, ConfigError } from './config.js';
export { Auth } from './auth.js';
export { buildApp } from './app.js';
