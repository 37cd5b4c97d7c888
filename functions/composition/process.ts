import { systemClock } from '../adapters/clock';
import { timeOrderedIds } from '../adapters/ids';
import { loadConfig } from '../config';

/**
 * What every function has, per process: the configuration (read and checked once, at module load, so a
 * missing setting fails at start with its name), the clock and the id generator. Nothing here opens a socket.
 *
 * The composition is split by capability (this folder, one file each); a handler imports the files that
 * serve its entry's `needs` (functions/entries.ts) and nothing else, so its bundle carries only those SDK
 * clients and adapters. Clients are built on first use. Offline, local/runtime.ts sets the same environment
 * before any handler loads, so the local twin runs exactly this wiring against the local engines.
 */
export const config = loadConfig(process.env);
export const clock = systemClock;
export const ids = timeOrderedIds(clock);
/** The absolute base of every link in pages and mails. */
export const siteUrl = config.PUBLIC_BASE_URL;
/** The domain of calendar UIDs: invites and the calendar feed must name a meeting alike. */
export const calendarDomain = new URL(siteUrl).hostname;
