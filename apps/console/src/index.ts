import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the console's built static files (`index.html`, `app.js`, `styles.css`): serve this folder at `/`.
 * Built by `pnpm build` (this package's `build` script bundles the browser code with esbuild).
 */
export const consoleDir: string = fileURLToPath(new URL('./public/', import.meta.url));
