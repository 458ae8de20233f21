import { IsInt, IsString, Validate, ValidateNested, ValidatePromise, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { handshakeSentValues } from '../../../src/handshake/value.coercion.js';
import { validateDto } from '../../../src/validation/dto.validator.js';
import { validatesSynchronously } from '../../../src/validation/sync-validation.js';

@ValidatorConstraint({ name: 'slowlyKnown', async: true })
class SlowlyKnown implements ValidatorConstraintInterface {
  async validate(value: unknown) {
    await new Promise(resolve => setImmediate(resolve));
    return value === 'known';
  }
}

@ValidatorConstraint({ name: 'known', async: false })
class Known implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return value === 'known';
  }
}

class Plain {
  @IsInt() q!: number;
  @IsString() name!: string;
}
class WithSyncCustom {
  @Validate(Known) token!: string;
}
class WithAsyncCustom {
  @Validate(SlowlyKnown) token!: string;
}
class WithPromise {
  @ValidatePromise() @IsString() later!: string;
}
class WithNested {
  @ValidateNested() inner!: Plain;
}
class Child extends WithAsyncCustom {
  @IsInt() q!: number;
}

describe('validatesSynchronously', () => {
  it.each([
    [Plain, true],
    [WithSyncCustom, true],
    [WithAsyncCustom, false],
    [WithPromise, false],
    [WithNested, false],
    [Child, false],
  ])('%o → %s', (dto, expected) => {
    expect(validatesSynchronously(dto)).toBe(expected);
  });
});

describe('validateDto', () => {
  it('answers without a promise for a synchronous DTO', () => {
    const result = validateDto(Plain, handshakeSentValues(Plain, { q: '3', name: 'a' }), ['query']);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ errors: [], value: { q: 3, name: 'a' } });
  });

  it('runs async constraints, and reports their failures', async () => {
    const pending = validateDto(WithAsyncCustom, handshakeSentValues(WithAsyncCustom, { token: 'stranger' }), ['header']);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({
      errors: [{ type: 'slowlyKnown', loc: ['header', 'token'], msg: expect.any(String), input: 'stranger' }],
    });
    expect(await validateDto(WithAsyncCustom, handshakeSentValues(WithAsyncCustom, { token: 'known' }), ['header'])).toMatchObject({ errors: [] });
  });
});
