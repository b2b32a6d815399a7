/** Exclusive lock on the embedded database's folder: PGlite does not lock its data directory and two processes on one folder corrupt it. */
import fs from 'node:fs';
import path from 'node:path';

/** Raised when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holderPid: number,
  ) {
    super(
      `The embedded database in ${path.dirname(lockPath)} is in use by another Signpost process (pid ${holderPid}). ` +
        'Stop that process first, or set DATA_DIR to another folder (or DATABASE_URL to use a PostgreSQL server).',
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held lock; `release` removes it (idempotent). */
export interface DirLock {
  /** Path of the lock file. */
  path: string;
  /** Removes the lock if this process still owns it. */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `signpost.lock` in `dir` with O_EXCL. A lock left by a process that no longer runs (kill -9, power cut)
 * is taken over at once, so a stale lock never blocks the next start.
 */
export function lockDataDir(dir: string): DirLock {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'signpost.lock');
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      fs.closeSync(fd);
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          try {
            const held = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: number };
            if (held.pid === process.pid) fs.unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number((JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: number }).pid);
    } catch {
      // Unreadable or half-written lock: treat as stale.
    }
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new DataDirLockedError(lockPath, holder);
    }
    // Stale: remove and retry. If another starter races us, O_EXCL decides who wins.
    fs.rmSync(lockPath, { force: true });
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
