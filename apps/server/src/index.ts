export {
  createBottangoServer,
  SERVER_DEFAULTS,
  type BottangoServer,
  type BottangoServerOptions,
  type BotSummary,
  type ListeningAddress,
} from './server.js';
export { ServerErrorCode, type ErrorResponseBody } from './errors.js';
export { parseApiKeys, isLoopbackHost } from './auth.js';
export { runServerCli, SERVER_USAGE, type ServerCliIO, type RunningServerCli } from './cli.js';
