// Bundles the browser code (src/web) into dist/public: index.html, app.js, styles.css. No CDN, no runtime fetches.
// The files are overwritten in place (fixed names), so a server serving the folder never finds it missing mid-build.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'public');
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src/web/main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(join(root, 'src/web/index.html'), join(out, 'index.html'));
await copyFile(join(root, 'src/web/styles.css'), join(out, 'styles.css'));
