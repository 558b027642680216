// Checks every publishable workspace package (not "private") as it would be published, from its `pnpm pack` tarball:
// - the tarball holds LICENSE, README.md and package.json, no *.tsbuildinfo and no test files (*.spec.ts),
// - every source map resolves: each of its `sources` is in the tarball or embedded (`sourcesContent`),
// - publint --strict (package.json fields, exports, files),
// - @arethetypeswrong/cli with the esm-only profile (types resolve for ESM consumers; see RELEASING.md).
// Needs the packages built (`pnpm build`). Usage: node scripts/check-packages.mjs [package name…]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const wanted = new Set(process.argv.slice(2));

const projects = JSON.parse(execFileSync('pnpm', ['-r', 'ls', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' }));
const publishable = projects
  .filter((p) => p.path !== root && !p.private && (wanted.size === 0 || wanted.has(p.name)))
  .sort((a, b) => a.name.localeCompare(b.name));
if (wanted.size > 0 && publishable.length !== wanted.size) {
  console.error(`check-packages: unknown or private package among ${[...wanted].join(', ')}`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'bottango-pack-'));
const failures = [];
try {
  for (const project of publishable) {
    const problems = [];
    const out = join(work, project.name.replace(/[@/]/g, '_'));
    mkdirSync(out, { recursive: true });
    execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: project.path, stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`${project.name}: pnpm pack wrote no tarball`);
    const tgz = join(out, tarball);
    const entries = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const files = new Set(entries.map((e) => e.replace(/^package\//, '')));
    for (const required of ['package.json', 'LICENSE', 'README.md']) if (!files.has(required)) problems.push(`missing ${required}`);
    for (const f of files) {
      if (f.endsWith('.tsbuildinfo')) problems.push(`ships build info ${f}`);
      if (/\.(spec|test)\.[cm]?[jt]sx?$/.test(f)) problems.push(`ships test file ${f}`);
    }
    const extracted = join(out, 'x');
    mkdirSync(extracted);
    execFileSync('tar', ['xzf', tgz, '-C', extracted]);
    const pkgDir = join(extracted, 'package');
    let maps = 0;
    for (const f of files) {
      if (!f.endsWith('.map')) continue;
      maps++;
      const map = JSON.parse(readFileSync(join(pkgDir, f), 'utf8'));
      const base = join(pkgDir, dirname(f), map.sourceRoot ?? '');
      (map.sources ?? []).forEach((source, i) => {
        if (typeof map.sourcesContent?.[i] === 'string') return;
        const target = resolve(base, source);
        if (!target.startsWith(pkgDir + '/') || !existsSync(target)) problems.push(`${f}: source ${source} is not in the tarball`);
      });
    }
    try {
      execFileSync(bin('publint'), ['run', tgz, '--strict'], { cwd: project.path, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      problems.push(`publint --strict:\n${String(error.stdout ?? '') + String(error.stderr ?? '')}`.trimEnd());
    }
    try {
      execFileSync(bin('attw'), [tgz, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color', '--no-emoji'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      problems.push(`attw --profile esm-only:\n${String(error.stdout ?? '') + String(error.stderr ?? '')}`.trimEnd());
    }
    const where = relative(root, project.path);
    if (problems.length === 0) {
      console.log(`ok   ${project.name} (${where}): ${files.size} files, ${maps} source maps resolve, publint --strict, attw esm-only`);
    } else {
      console.log(`FAIL ${project.name} (${where}):\n  ${problems.join('\n  ')}`);
      failures.push(project.name);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.log(`check-packages: ${failures.length} of ${publishable.length} package(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log(`check-packages: ${publishable.length} publishable packages ok`);
