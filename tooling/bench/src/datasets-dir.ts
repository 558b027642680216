import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The public corpora the nlu and routing benches read: the repository's `datasets/` folder, or `BOTTANGO_DATASETS`
 * (same layout: `<dir>/<name>/<name>.jsonl`, `<dir>/clinc150/domains.json`).
 */
export const DATASETS_DIR = resolve(process.env['BOTTANGO_DATASETS'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../datasets'));
