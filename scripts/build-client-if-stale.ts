/** Builds the client with Vite only when dist/client is missing or older than client/ or shared/ sources, so later starts stay fast. */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', 'client', 'index.html');
const SOURCES = ['client', 'shared', 'vite.config.ts', 'package-lock.json'].map((p) => path.join(ROOT, p));

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), stat.mtimeMs);
}

const built = fs.existsSync(STAMP) ? fs.statSync(STAMP).mtimeMs : 0;
if (built >= Math.max(...SOURCES.map(newestMtime))) {
  process.stdout.write('Client build is up to date.\n');
} else {
  const started = Date.now();
  process.stdout.write('Building the client (first start or sources changed)…\n');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  process.stdout.write(`Client built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}
