import type { ExceptionFilter, Type } from '@nestjs/common';
import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import type { IncomingMessage } from 'node:http';
import type { CloseReasonOptions } from '../close-frame/close-reason.encoder.js';
import type { TrustProxy } from '../handshake/client-address.js';
import type { HeartbeatOptions, ShutdownCloseCode } from '../lifecycle/lifecycle-options.js';
import type { AsyncApiServeOptions } from '../asyncapi/asyncapi.serve.js';

/** A filter given to `WsErrorsModule.forRoot({ filters })`: a class (resolved with DI) or an instance. */
export type WsErrorsFilter = Type<ExceptionFilter> | ExceptionFilter;

/** Which browser origins may open a socket: a list, a pattern or a predicate. */
export type AllowedOrigins =
  | readonly (string | RegExp)[]
  | RegExp
  | ((origin: string | undefined, request: IncomingMessage) => boolean);

/**
 * Options of `WsErrorsModule.forRoot()` and of `new ValidatingWsAdapter(app, options)`.
 * The adapter's own options win over the module's.
 * @publicApi
 */
export interface WsErrorsOptions {
  /** class-validator options for handshake DTOs (`whitelist`, `forbidNonWhitelisted`, …). */
  validatorOptions?: ValidatorOptions;
  /** class-transformer options for handshake DTOs. */
  transformOptions?: ClassTransformOptions;
  /**
   * How a client refused before its socket is admitted hears of it:
   * `'close'` (default) completes the upgrade and closes at once with the code and reason;
   * `'http'` answers an HTTP status (1008 → 403, validation → 400, 1011 → 500, …) and a JSON body.
   */
  handshakeRejection?: 'close' | 'http';
  /** What a close reason may contain (its maximum bytes, which fields of validation errors). */
  reason?: CloseReasonOptions;
  /** Filters that apply to every gateway, after the gateway's own `@UseFilters`. */
  filters?: WsErrorsFilter[];
  /** Log unknown errors with their endpoint context (default true). */
  logErrors?: boolean;
  /** Milliseconds a handshake (guards, DTOs, `handleConnection`) may take; then 1013. Default 10 000. */
  handshakeTimeout?: number;
  /** Milliseconds to wait for the client's answer to our close frame before dropping it. Default 5 000. */
  closeTimeout?: number;
  /** Largest message in bytes, passed to `ws`; a larger one closes with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Messages a client may send before it is admitted; more closes with 1008. Default 32. */
  maxPendingMessages?: number;
  /** Bytes a client may send before it is admitted; more closes with 1009. Default 64 KiB. */
  maxPendingBytes?: number;
  /** Refuse upgrades whose `Origin` is not allowed with HTTP 403 (off by default). */
  allowedOrigins?: AllowedOrigins;
  /**
   * What a message the parser cannot read does: `'ignore'` (stock `WsAdapter`) or
   * `'close'` (1007 for unreadable text, 1003 for binary). Default `'ignore'`.
   */
  invalidMessage?: 'ignore' | 'close';
  /**
   * What a message for an event no handler subscribes to does: `'ignore'` (stock `WsAdapter`,
   * the default) or `'close'` (1003 `Unknown event`).
   */
  unknownEvent?: 'ignore' | 'close';
  /**
   * Pings every client each `interval` ms and drops one that has not answered within `timeout` ms
   * (`handleDisconnect` sees cause `'heartbeat'`); `false` turns it off.
   * Default `{ interval: 30_000, timeout: 10_000 }`.
   */
  heartbeat?: HeartbeatOptions | false;
  /**
   * Milliseconds a client may send no message before it is closed with 4408 `Idle timeout`
   * (pongs do not count). Off by default (`false` or `0`).
   */
  idleTimeout?: number | false;
  /**
   * Bytes of unsent data (`bufferedAmount`) a client may hold before it is closed with
   * 1013 `Too much unsent data`, and dropped after `closeTimeout` if it does not read that
   * frame either. Default 4 MiB; `false` for no limit.
   */
  maxBufferedBytes?: number | false;
  /** What `app.close()` sends every client: 1001 `Going Away` (default) or 1012 `Service Restart`. */
  shutdownCloseCode?: ShutdownCloseCode;
  /**
   * Which proxies' `X-Forwarded-For` to believe, in the style of Express's `trust proxy`
   * (`true`, a hop count, addresses/CIDRs/`'loopback'`/`'uniquelocal'`, or a predicate).
   * The resolved client is `getUpgradeRequest(client).remoteAddress`. Default `false`: the TCP
   * peer, and the header is never believed.
   */
  trustProxy?: TrustProxy;
  /**
   * Serve the app's AsyncAPI 3.0 document over HTTP: `{ path: '/asyncapi.json' }` (`.yaml` for YAML),
   * with the document's `info` and `servers`. Off by default.
   */
  asyncapi?: AsyncApiServeOptions;
}
