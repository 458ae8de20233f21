import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const rejection = process.env.HANDSHAKE_REJECTION === 'http' ? 'http' : 'close';

const app = await createSampleApp({ handshakeRejection: rejection });
app.enableShutdownHooks();
await app.listen(port, host);
Logger.log(`Open ${await app.getUrl()}/ in a browser (handshake rejection: ${rejection})`, 'Sample');
