import { Controller, Get, Header } from '@nestjs/common';
import { PAGE_HTML } from './page.html.js';

/** Serves the page that drives the gateways from a browser, on the same origin. */
@Controller()
export class PageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE_HTML;
  }
}
