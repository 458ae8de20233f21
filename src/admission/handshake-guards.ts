import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { isObservable, lastValueFrom } from 'rxjs';
import type { GatewayDescriptor } from '../context/gateway-descriptor.js';
import { FORBIDDEN_REASON } from '../exceptions/messages.constant.js';
import type { EnhancerResolver } from '../adapter/enhancer-resolver.js';
import { guardRefs } from '../nest/gateway-enhancer-metadata.js';
import { inSequence, type MaybePromise } from '../utils/maybe-async.util.js';
import { isThenable } from '../utils/is-thenable.util.js';

/**
 * The class-level guards that run at the handshake: only a gateway that declares
 * `@WsHandshake` opts in. Elsewhere they run for messages only, as on the stock adapter,
 * so that a guard written for messages keeps working when the adapter is swapped in.
 */
export function handshakeGuards(descriptor: GatewayDescriptor, resolver: EnhancerResolver): CanActivate[] {
  if (!descriptor.handshake) return [];
  return resolver.instances(guardRefs(descriptor.gateway), 'canActivate', descriptor.moduleKey);
}

/**
 * Runs guards in order, as Nest does; synchronous while every guard answers synchronously.
 * A guard that answers false refuses as Nest refuses a message: `WsException('Forbidden resource')`.
 */
export function runGuards(guards: readonly CanActivate[], context: ExecutionContext): MaybePromise<void> {
  return inSequence(guards, guard => {
    const answer = guard.canActivate(context);
    if (isObservable(answer)) return lastValueFrom(answer).then(requireAllowed);
    if (isThenable(answer)) return Promise.resolve(answer).then(requireAllowed);
    requireAllowed(answer);
  });
}

function requireAllowed(allowed: boolean): void {
  if (!allowed) throw new WsException(FORBIDDEN_REASON);
}
