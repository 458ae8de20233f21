import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSamplePage } from '../fixtures/chromium.js';

/** The sample page renders its AsyncAPI document as plain lists, read here in headless Chromium. */

describe("the sample page's AsyncAPI section in headless Chromium", () => {
  let sample: Awaited<ReturnType<typeof openSamplePage>> | undefined;
  let page: Page;

  beforeAll(async () => {
    sample = await openSamplePage();
    page = sample.page;
    await page.waitForSelector('#asyncapi-doc article');
  });

  afterAll(() => sample?.close());

  it('shows one entry per channel, by address', async () => {
    const articles = await page.locator('#asyncapi-doc article').all();
    const addresses = await Promise.all(articles.map(article => article.getAttribute('data-address')));
    expect(addresses).toEqual(['/items/{itemId}/ws', '/strict', '/ws']);
  });

  it('shows the path parameter, the cookie, the messages and the close codes of /items/{itemId}/ws', async () => {
    const text = await page.textContent('#asyncapi-doc article[data-address="/items/{itemId}/ws"]');
    expect(text).toContain('path {itemId}: string');
    expect(text).toContain('cookies: { session?: string }');
    expect(text).toContain('client → server echo: any');
    expect(text).toContain('server → client echo: string');
    expect(text).toContain('Session cookie missing');
    const rows = await page.locator('#asyncapi-doc article[data-address="/items/{itemId}/ws"] tr[data-code]').all();
    const codes = await Promise.all(rows.map(row => row.getAttribute('data-code')));
    expect(codes).toContain('1008');
    expect(codes).toContain('1011');
  });

  it('shows q as an integer in the query of /ws', async () => {
    expect(await page.textContent('#asyncapi-doc article[data-address="/ws"]')).toContain('query: { q: integer }');
  });
});
