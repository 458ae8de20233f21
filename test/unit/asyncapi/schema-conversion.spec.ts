import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { SchemaConversion } from '../../../src/asyncapi/schema-conversion.js';

// `unknown` annotations: a class's own type metadata cannot name a class declared after it.
class Parent {
  @IsString() name!: string;
  @IsOptional() @ValidateNested() @Type(() => Child) child?: unknown;
}
class Child {
  @IsInt() age!: number;
  @IsOptional() @ValidateNested() @Type(() => Parent) parent?: unknown;
}
class Base {
  @IsInt() id!: number;
}
class Derived extends Base {}
class Plain {
  name!: string;
}
class $Money {
  @IsInt() cents!: number;
}
class Price {
  @ValidateNested() @Type(() => $Money) amount!: $Money;
}

describe('SchemaConversion', () => {
  it('gives primitives their JSON type and says nothing of an undeclared type', () => {
    const schemas = new SchemaConversion();
    expect(schemas.schemaOf(String)).toEqual({ type: 'string' });
    expect(schemas.schemaOf(Number)).toEqual({ type: 'number' });
    expect(schemas.schemaOf(Boolean)).toEqual({ type: 'boolean' });
    expect(schemas.schemaOf(Date)).toEqual({ type: 'string', format: 'date-time' });
    expect(schemas.schemaOf(Object)).toEqual({});
    expect(schemas.schemaOf(undefined)).toEqual({});
    expect(schemas.schemaOf(Promise)).toEqual({});
    expect(schemas.schemaOf([Base])).toEqual({ type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } });
  });

  it('inlines the DTO asked for and gathers DTOs that refer to each other once, without looping', () => {
    const schemas = new SchemaConversion();
    expect(schemas.dtoSchema(Parent)).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, child: { $ref: '#/components/schemas/Child' } },
      required: ['name'],
    });
    expect(Object.keys(schemas.components())).toEqual(['Child', 'Parent']);
    expect(schemas.components().Child).toMatchObject({ properties: { parent: { $ref: '#/components/schemas/Parent' } } });
  });

  it('takes inherited constraints, and gives a DTO without any an empty object schema', () => {
    const schemas = new SchemaConversion();
    expect(schemas.dtoSchema(Derived)).toMatchObject({ type: 'object', properties: { id: { type: 'integer' } } });
    expect(schemas.dtoSchema(Plain)).toEqual({ type: 'object', properties: {} });
  });

  it('hands out copies: changing a schema it gave changes nothing it gives later', () => {
    const schemas = new SchemaConversion();
    (schemas.dtoSchema(Base).properties as Record<string, unknown>).id = 'changed';
    expect(schemas.dtoSchema(Base)).toMatchObject({ properties: { id: { type: 'integer' } } });
  });

  it('names components as AsyncAPI allows, and points the $ref at that name', () => {
    const schemas = new SchemaConversion();
    expect(schemas.dtoSchema(Price).properties).toEqual({ amount: { $ref: '#/components/schemas/_Money' } });
    expect(schemas.components()).toEqual({ _Money: { type: 'object', properties: { cents: { type: 'integer' } }, required: ['cents'] } });
  });
});
