import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Debian's python3-feedparser, the strict reader feeds are checked with (`.ci/run` installs it). Without it
 * the feed tests skip with one printed line, except under CI=true, where they must run.
 */
export const feedPython = process.env.FEEDPARSER_PYTHON ?? '/usr/bin/python3';

const available = spawnSync(feedPython, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0;
/** When false, the feed tests skip; feedparser-setup.ts says so once per run. */
export const feedTestsEnabled = available || process.env.CI === 'true';

export interface ParsedFeed {
  /** feedparser's flag for a feed that is not well-formed (with the reason). */
  readonly bozo: boolean;
  readonly bozoException?: string;
  readonly version: string;
  readonly title: string;
  readonly entries: readonly {
    readonly id: string;
    readonly title: string;
    readonly link: string;
    readonly updated: string;
  }[];
}

const script = `
import json, sys, feedparser
parsed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": bool(parsed.bozo),
  "bozoException": str(parsed.get("bozo_exception", "")),
  "version": parsed.version,
  "title": parsed.feed.get("title", ""),
  "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""), "updated": e.get("updated", "")} for e in parsed.entries],
}))
`;

/** The feed as feedparser reads it. */
export const parseFeed = (xml: string): ParsedFeed =>
  JSON.parse(execFileSync(feedPython, ['-c', script], { input: xml, encoding: 'utf8' })) as ParsedFeed;
