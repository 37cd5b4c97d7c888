import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './exit-codes';

/** Why a file could not be read or written, in Dutch. */
const reason = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'bestaat niet (of de map bestaat niet)';
  if (code === 'EACCES' || code === 'EPERM') return 'geen toegang';
  if (code === 'EISDIR') return 'is een map';
  return String((error as Error).message ?? error);
};

/** A file the user named, read; a missing or unreadable one is wrong usage (exit 2), not a crash. */
export const readUserFile = (file: string, label = file): Buffer => {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`${label}: ${reason(error)}`);
  }
};

/** A file the user named, written. */
export const writeUserFile = (file: string, content: string | Uint8Array): void => {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw new UsageError(`--out ${file}: ${reason(error)}`);
  }
};
