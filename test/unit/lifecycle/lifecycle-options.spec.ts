import { describe, expect, it } from 'vitest';
import { resolveSettings, DEFAULTS } from '../../../src/adapter/adapter-settings.js';
import { heartbeatSetting, limitSetting, shutdownCloseCodeSetting } from '../../../src/lifecycle/lifecycle-options.js';

describe('lifecycle options', () => {
  it('defaults: heartbeat 30 s / 10 s, idle off, 4 MiB of unsent data, 1001 at shutdown', () => {
    const settings = resolveSettings(undefined, {});
    expect(settings.heartbeat).toEqual({ interval: 30_000, timeout: 10_000 });
    expect(settings.idleTimeout).toBe(0);
    expect(settings.maxBufferedBytes).toBe(4 * 1024 * 1024);
    expect(settings.shutdownCloseCode).toBe(1001);
  });

  it('false turns each off', () => {
    const settings = resolveSettings(undefined, { heartbeat: false, idleTimeout: false, maxBufferedBytes: false });
    expect(settings.heartbeat).toBeUndefined();
    expect(settings.idleTimeout).toBe(0);
    expect(settings.maxBufferedBytes).toBe(Infinity);
  });

  it('a partial heartbeat keeps the other default', () => {
    expect(heartbeatSetting({ interval: 60_000 } as never, DEFAULTS.heartbeat)).toEqual({ interval: 60_000, timeout: 10_000 });
  });

  it.each([
    [{ interval: 0, timeout: 1 }, /heartbeat.interval/],
    [{ interval: Infinity, timeout: 1 }, /heartbeat.interval/],
    [{ interval: 100, timeout: 200 }, /heartbeat.timeout/],
    [{ interval: 100, timeout: -1 }, /heartbeat.timeout/],
    [{ interval: 100, timeout: Number.NaN }, /heartbeat.timeout/],
  ])('rejects heartbeat %o', (option, message) => {
    expect(() => heartbeatSetting(option, DEFAULTS.heartbeat)).toThrow(RangeError);
    expect(() => heartbeatSetting(option, DEFAULTS.heartbeat)).toThrow(message);
  });

  it.each([-1, Number.NaN, '10' as never])('rejects a limit of %s', value => {
    expect(() => limitSetting('idleTimeout', value, 0, 0)).toThrow(/idleTimeout must be a positive number or false/);
  });

  it('accepts only 1001 and 1012 at shutdown', () => {
    expect(shutdownCloseCodeSetting(1012)).toBe(1012);
    expect(() => shutdownCloseCodeSetting(1000)).toThrow(/1001 \(Going Away\) or 1012/);
  });
});
