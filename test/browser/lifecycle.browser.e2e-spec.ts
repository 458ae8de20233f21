import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from '../../src/testing/index.js';
import { startApp } from '../fixtures/app.js';
import { departures, LifecycleGateway } from '../e2e/lifecycle/lifecycle-gateway.js';
import { launchChromium } from '../fixtures/chromium.js';
import { pollUntil } from '../fixtures/poll-until.js';

/**
 * Headless Chromium as the client of the connection lifecycle: a browser answers the
 * heartbeat's pings with no page code, and reads the close code `app.close()` sends.
 */

describe('connection lifecycle in headless Chromium', () => {
  let app: INestApplication | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startApp({ providers: [LifecycleGateway] }, { heartbeat: { interval: 150, timeout: 150 } });
    browser = await launchChromium();
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
    // The page saw `open` once the 101 arrived; the server's side is read from its own clients.
    await pollUntil(() => expect(gateway.server.clients.size, `dropped meanwhile: ${JSON.stringify(departures.all.map(d => d.info))}`).toBe(1));
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
