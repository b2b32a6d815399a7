import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { lockDataDir, DataDirLockedError } from '../../../server/db/lock';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-lock-'));

describe('lockDataDir', () => {
  it('when the folder is free, then it takes the lock and release removes it', () => {
    const dir = tmpDir();
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it('when a live process holds it, then a second lock is refused with the holder pid', () => {
    const dir = tmpDir();
    // The parent of this process is alive for the whole test.
    fs.writeFileSync(path.join(dir, 'signpost.lock'), JSON.stringify({ pid: process.ppid }));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(String(process.ppid));
  });

  it('when the holder has died, then the stale lock is taken over at once', () => {
    const dir = tmpDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(path.join(dir, 'signpost.lock'), JSON.stringify({ pid: Number(dead.stdout.toString()) }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('when the lock file is garbage, then it is treated as stale', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'signpost.lock'), '{not json');
    const lock = lockDataDir(dir);
    expect(fs.existsSync(lock.path)).toBe(true);
    lock.release();
  });
});
