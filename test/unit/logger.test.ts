import { describe, expect, it } from 'vitest';
import { Logger, logLevelOf } from '../../functions/adapters/logger';

const capture = (level: Parameters<typeof logLevelOf>[0]) => {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    service: 'dropin',
    level: logLevelOf(level),
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    clock: () => new Date('2027-03-28T12:00:00.000Z'),
  });
  return { logger, lines };
};

describe('the logger', () => {
  it('writes one JSON object per line: level, message, time, service and the fields', () => {
    const { logger, lines } = capture('INFO');
    logger.info('Outbox backlog', { oldestPendingAgeSeconds: 0 });
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'Outbox backlog',
        timestamp: '2027-03-28T12:00:00.000Z',
        service: 'dropin',
        oldestPendingAgeSeconds: 0,
      },
    ]);
  });

  it('leaves out what is below its level (WARN drops DEBUG and INFO), and SILENT everything', () => {
    const warn = capture('warn');
    warn.logger.debug('d');
    warn.logger.info('i');
    warn.logger.warn('w');
    warn.logger.error('e');
    expect(warn.lines.map((line) => line.level)).toEqual(['WARN', 'ERROR']);

    const silent = capture('SILENT');
    silent.logger.error('e');
    expect(silent.lines).toEqual([]);
    expect(logLevelOf(undefined)).toBe('INFO');
    expect(logLevelOf('chatty')).toBe('INFO');
  });

  it('keeps the name, message and stack of an error', () => {
    const { logger, lines } = capture('INFO');
    logger.error('Request failed', { error: new TypeError('boom') });
    expect(lines[0]?.error).toMatchObject({
      name: 'TypeError',
      message: 'boom',
      stack: expect.stringContaining('boom'),
    });
  });

  it('lets no field replace level or message, redacts addresses in errors, and survives a field JSON cannot hold', () => {
    const { logger, lines } = capture('INFO');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    logger.info('Outbox mail failed', {
      message: 'forged',
      level: 'DEBUG',
      error: new Error('MessageRejected: jan@example.org'),
    });
    logger.info('Still here', { cycle });
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'Outbox mail failed' });
    expect(JSON.stringify(lines[0])).not.toContain('jan@example.org');
    expect(lines[1]).toMatchObject({ level: 'INFO', message: 'Still here', cycle: '(unserialisable)' });
  });

  it("adds the invocation's ids to every line, cold start on the first invocation only", () => {
    const { logger, lines } = capture('INFO');
    process.env._X_AMZN_TRACE_ID =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    logger.startInvocation({ functionName: 'register', awsRequestId: 'req-1' });
    logger.info('first');
    logger.startInvocation({ functionName: 'register', awsRequestId: 'req-2' });
    logger.info('second');
    delete process.env._X_AMZN_TRACE_ID;
    expect(
      lines.map(({ function_request_id, cold_start, xray_trace_id }) => ({
        function_request_id,
        cold_start,
        xray_trace_id,
      })),
    ).toEqual([
      {
        function_request_id: 'req-1',
        cold_start: true,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      },
      {
        function_request_id: 'req-2',
        cold_start: false,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      },
    ]);
  });
});
