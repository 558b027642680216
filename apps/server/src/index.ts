export {
  createBottangoServer,
  type BottangoServer,
  type BottangoServerOptions,
  type BotSummary,
  type ListeningAddress,
} from './server.js';
export { ServerErrorCode, type ErrorResponseBody } from './http-error.js';
export { runServerCli, SERVER_USAGE, type ServerCliIO, type RunningServerCli } from './cli.js';
