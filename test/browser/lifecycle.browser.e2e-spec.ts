import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { departures, LifecycleGateway } from '../e2e/lifecycle/lifecycle-gateway.js';

/**
 * Headless Chromium as the client of the connection lifecycle: a browser answers the
 * heartbeat's pings with no page code, and reads the close code `app.close()` sends.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('connection lifecycle in headless Chromium', () => {
  let app: INestApplication | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: the browser test needs it. ` +
          'Install it with `apt-get update && apt-get install -y chromium` (as .ci/run does), or point CHROMIUM_PATH at a Chromium binary.',
      );
    }
    app = await startApp({ providers: [LifecycleGateway] }, { heartbeat: { interval: 50, timeout: 50 } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('answers pings on its own across many intervals, then reads 1001 Going Away from app.close()', async () => {
    const url = `${baseUrl(app!)}/life?tag=browser`;
    await page.evaluate(
      target =>
        new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(target);
          (globalThis as Record<string, unknown>).lifecycleClose = new Promise(done =>
            socket.addEventListener('close', event => done({ code: event.code, reason: event.reason, wasClean: event.wasClean })),
          );
          socket.addEventListener('open', () => resolve());
          socket.addEventListener('error', () => reject(new Error('WebSocket error')));
        }),
      url,
    );
    const gateway = app!.get(LifecycleGateway);
    const [client] = [...gateway.server.clients];
    let pongs = 0;
    await new Promise<void>(resolve =>
      client!.on('pong', () => {
        if (++pongs === 20) resolve();
      }),
    );
    expect(client!.readyState).toBe(client!.OPEN);

    const closing = app!.close();
    const closeEvent = await page.evaluate(() => (globalThis as Record<string, unknown>).lifecycleClose);
    await closing;
    app = undefined;
    expect(closeEvent).toEqual({ code: 1001, reason: 'Going Away', wasClean: true });
    expect((await departures.of('browser')).info).toEqual({ code: 1001, reason: 'Going Away', wasClean: true, initiator: 'server', cause: 'shutdown' });
  });
});
