import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ValidatingWsAdapter } from 'nestjs-ws-errors';
import { AppModule } from './app.module.js';

export interface SampleAppOptions {
  /** A logger, or the levels to log; Nest's default logger otherwise. */
  logger?: LoggerService | LogLevel[] | false;
  /** How a refused handshake reaches the client: a close frame (default) or an HTTP status. */
  handshakeRejection?: 'close' | 'http';
}

/** The sample app, not yet listening: `main.ts` listens on PORT, the tests on port 0. */
export async function createSampleApp(options: SampleAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, options.logger === undefined ? {} : { logger: options.logger });
  app.useWebSocketAdapter(new ValidatingWsAdapter(app, { handshakeRejection: options.handshakeRejection }));
  return app;
}
