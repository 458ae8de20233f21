import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSamplePage } from '../fixtures/chromium.js';

/**
 * A real browser as the client: Debian's Chromium, headless, driven by playwright-core,
 * opens the sample's page and reads each `CloseEvent` (code, reason) the page shows.
 * A browser's WebSocket is the strictest client there is about close frames: it fails
 * the connection (1006) on a reason over 123 bytes or one that is not valid UTF-8.
 */

interface Connection {
  endpoint: 'items' | 'ws' | 'strict';
  itemId?: string;
  cookie?: string;
  query?: string;
}

describe('the sample page in headless Chromium', () => {
  let sample: Awaited<ReturnType<typeof openSamplePage>> | undefined;
  let page: Page;

  beforeAll(async () => {
    sample = await openSamplePage();
    page = sample.page;
  });

  afterAll(() => sample?.close());

  /** Fills the form as a person would, clicks Connect, and waits for the status to leave "connecting". */
  async function connect({ endpoint, itemId = 'foo', cookie = '', query = '' }: Connection): Promise<string> {
    await page.selectOption('#endpoint', endpoint);
    if (endpoint === 'items') await page.fill('#item-id', itemId);
    await page.fill('#cookie', cookie);
    await page.fill('#query', query);
    await page.click('#connect');
    await page.locator('#status', { hasText: /^(open|closed)$/ }).waitFor();
    return (await page.textContent('#status')) ?? '';
  }

  async function closeEvent(): Promise<{ code: string; reason: string; clean: string }> {
    await page.locator('#status', { hasText: /^closed$/ }).waitFor();
    return {
      code: (await page.textContent('#close-code')) ?? '',
      reason: (await page.textContent('#close-reason')) ?? '',
      clean: (await page.textContent('#close-clean')) ?? '',
    };
  }

  /** Waits for a received message with exactly this text in the page's log. */
  async function message(text: string): Promise<string> {
    const item = page.locator('#log li.message', { hasText: `[message] ${text}` }).last();
    await item.waitFor();
    return (await item.textContent()) ?? '';
  }

  async function send(text: string, event = 'echo'): Promise<void> {
    await page.fill('#event', event);
    await page.fill('#message', text);
    await page.click('#send');
  }

  it('serves the page', async () => {
    expect(await page.title()).toBe('nestjs-ws-errors sample');
  });

  it('/items/foo/ws without the cookie: the browser sees close 1008 "Session cookie missing"', async () => {
    await connect({ endpoint: 'items' });
    expect(await closeEvent()).toEqual({ code: '1008', reason: 'Session cookie missing', clean: 'true' });
  });

  it('/items/foo/ws with document.cookie set: admitted, greeted and echoed', async () => {
    expect(await connect({ endpoint: 'items', cookie: 'abc' })).toBe('open');
    expect(await page.evaluate<string>('document.cookie')).toBe('session=abc');
    expect(await message('Session cookie value is: abc')).toBe('[message] Session cookie value is: abc');
    await send('hello from Chromium');
    expect(await message('Message text was: hello from Chromium')).toBe(
      '[message] Message text was: hello from Chromium, for item ID: foo',
    );
    await page.click('#disconnect');
    expect(await closeEvent()).toEqual({ code: '1000', reason: 'bye', clean: 'true' });
  });

  it('/ws?q=3: the query is converted and reported', async () => {
    expect(await connect({ endpoint: 'ws', query: 'q=3' })).toBe('open');
    expect(await message('Query param q is: 3')).toBe('[message] Query param q is: 3');
    await page.click('#disconnect');
    expect((await closeEvent()).code).toBe('1000');
  });

  it('/ws?q=abc: close 1008 with the validation errors as JSON', async () => {
    await connect({ endpoint: 'ws', query: 'q=abc' });
    const { code, reason, clean } = await closeEvent();
    expect({ code, clean }).toEqual({ code: '1008', clean: 'true' });
    expect(JSON.parse(reason)).toEqual([
      { type: 'isInt', loc: ['query', 'q'], msg: 'q must be an integer number', input: 'abc' },
    ]);
  });

  it('/strict?q=abc: the custom filter closes with 1003', async () => {
    await connect({ endpoint: 'strict', query: 'q=abc' });
    const { code, reason } = await closeEvent();
    expect(code).toBe('1003');
    expect(JSON.parse(reason)).toMatchObject([{ type: 'isInt', loc: ['query', 'q'], input: 'abc' }]);
  });

  it('/strict?q=1 then an unexpected error: close 1011 "Internal Server Error"', async () => {
    expect(await connect({ endpoint: 'strict', query: 'q=1' })).toBe('open');
    await send('', 'boom');
    expect(await closeEvent()).toEqual({ code: '1011', reason: 'Internal Server Error', clean: 'true' });
  });
});
