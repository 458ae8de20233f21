import { Injectable, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import { BODY_NOT_OBJECT_MESSAGE, MISSING_FIELD_MESSAGE } from '../exceptions/messages.constant.js';
import { WebSocketRequestValidationError } from '../exceptions/websocket-request-validation.error.js';
import { WS_PAYLOAD_PARAM_TYPE } from '../nest/nest-metadata.js';
import { validateDto, type DtoValidationOptions } from '../validation/dto.validator.js';
import { stripPrototypeKeys } from '../validation/prototype-keys.js';

/**
 * Options of {@link WsValidationPipe}: class-validator's own options, plus how the body
 * becomes a DTO instance.
 * @publicApi
 */
export interface WsValidationPipeOptions extends ValidatorOptions {
  /** Hand the handler the DTO instance (default), or the body as it was sent (`false`). */
  transform?: boolean;
  /** class-transformer options for `plainToInstance`. */
  transformOptions?: ClassTransformOptions;
}

/** Metatypes that are not DTOs: a body declared as one of these is passed through. */
const NOT_DTOS: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object, Buffer, Date, Symbol, BigInt, Function]);

/**
 * Validates a `@MessageBody()` DTO with class-transformer and class-validator, FastAPI style:
 * a failure throws {@link WebSocketRequestValidationError} whose items are located under
 * `body` (`['body', 'items', 0, 'name']`), so that `WebSocketExceptionFilter` closes with
 * 1008 and the JSON of the errors, as for a handshake DTO.
 *
 * ```ts
 * @SubscribeMessage('create')
 * create(@MessageBody(new WsValidationPipe()) dto: CreateItemDto) { … }
 * ```
 * Message bodies are JSON already: values are not converted from strings as handshake
 * values are (`{"q":"3"}` fails `isInt`). A body declared as a primitive (`string`,
 * `number`, …) or without a type passes through, as do parameters other than the body
 * (`@ConnectedSocket()`, `@HandshakeQuery()`, …), so the pipe can sit in `@UsePipes()`.
 * It shares one validation core with handshake DTOs: the same items, the same defaults, and
 * prototype keys (`__proto__`, …) never assigned, reported where `forbidNonWhitelisted` is on.
 * @publicApi
 */
@Injectable()
export class WsValidationPipe implements PipeTransform {
  protected readonly validation: DtoValidationOptions;
  protected readonly transformEnabled: boolean;

  constructor(options: WsValidationPipeOptions = {}) {
    const { transform, transformOptions, ...validatorOptions } = options;
    this.validation = { validatorOptions, transformOptions };
    this.transformEnabled = transform ?? true;
  }

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (!this.toValidate(metadata) || !metatype) return value;
    const loc = this.locOf(metadata);
    if (value === undefined || value === null) {
      throw new WebSocketRequestValidationError([{ type: 'missing', loc, msg: MISSING_FIELD_MESSAGE }]);
    }
    if (typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      throw new WebSocketRequestValidationError([{ type: 'isObject', loc, msg: BODY_NOT_OBJECT_MESSAGE(loc), input: value }]);
    }
    const sent = value as Record<string, unknown>;
    const prototypeKeys = stripPrototypeKeys(sent);
    const { value: instance, errors } = await validateDto(
      metatype as Type<object>,
      { plain: sent, input: key => sent[key], present: key => Object.hasOwn(sent, key) && sent[key] !== undefined, prototypeKeys },
      loc,
      this.validation,
    );
    if (errors.length > 0) throw new WebSocketRequestValidationError(errors);
    return this.transformEnabled ? instance : value;
  }

  /** The body's DTO parameters; a primitive, an untyped body and every other parameter pass. */
  protected toValidate({ metatype, type }: ArgumentMetadata): boolean {
    const isBody = (type as unknown) === WS_PAYLOAD_PARAM_TYPE || type === 'body';
    return isBody && typeof metatype === 'function' && !NOT_DTOS.has(metatype);
  }

  /** `['body']`, or `['body', 'field']` for `@MessageBody('field')`. */
  protected locOf({ data }: ArgumentMetadata): (string | number)[] {
    return typeof data === 'string' && data !== '' ? ['body', data] : ['body'];
  }
}
