import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const parentOf = (pid: number): number | undefined => {
  try {
    // /proc/<pid>/stat: `pid (comm) state ppid …`; comm may contain spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    } catch {
      return undefined;
    }
  }
};

/** Whether a process exists (EPERM: it does, it just is not ours). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Calls `onGone` once the process that launched us is gone. `npm start` runs npm → sh, which execs this
 * process (node with tsx as a loader: no tsx wrapper process, whose signal relay SIGKILLs a child that does
 * not acknowledge a signal within 30 ms and so left the JVM behind under load). If npm is killed outright, or
 * the shell above it goes, nothing may keep running: so both our parent and the one above it are watched.
 */
export const watchLauncher = (onGone: () => void, intervalMs = 1_000): void => {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const watched = [parent, ...(grandparent && grandparent > 1 ? [grandparent] : [])];
  const timer = setInterval(() => {
    if (process.ppid !== parent || !watched.every(isAlive)) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
};
