import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
import { createRequire } from 'node:module';

/** A JSON Schema object (AsyncAPI's Schema Object is a superset of draft 07). */
export type JsonSchema = Record<string, unknown>;

/** Where nested DTOs are put in the document, and what their `$ref`s point at. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/**
 * class-transformer keeps `@Type`/`@Expose`/`@Exclude` in a module-level storage its package root
 * does not export. Node's `import 'class-transformer'` loads the CommonJS build (the package has no
 * `exports` map), so that build's storage is the one the user's decorators fill.
 */
const require = createRequire(import.meta.url);
const classTransformerStorage = require('class-transformer/cjs/storage.js').defaultMetadataStorage as MetadataStorage;

const CONVERSION_OPTIONS = {
  refPointerPrefix: SCHEMA_REF_PREFIX,
  classTransformerMetadataStorage: classTransformerStorage,
};

type Converter = typeof import('class-validator-jsonschema');
let converter: Converter | undefined;
/** Loaded at the first document, not with the library: an app that serves none does not pay for it. */
function jsonSchemaConverter(): Converter {
  return (converter ??= require('class-validator-jsonschema') as Converter);
}

/** Types a DTO property or a message body can be declared as, that are not DTO classes. */
const PRIMITIVE_SCHEMAS = new Map<unknown, JsonSchema>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Array, { type: 'array' }],
  [Date, { type: 'string', format: 'date-time' }],
]);
/** Declared types that say nothing about the value. */
const UNTYPED: ReadonlySet<unknown> = new Set([undefined, null, Object, Function, Promise, Symbol, BigInt]);

/**
 * DTO classes to JSON Schema with class-validator-jsonschema, which reads the same
 * class-validator and class-transformer metadata the validation runs on: `@IsInt` gives
 * `type: integer`, `@IsEnum`/`@IsIn` an `enum`, `@Length` `minLength`/`maxLength`, `@Matches`
 * a `pattern`, `@ValidateNested` + `@Type` a `$ref` to the nested DTO. A schema asked for is
 * inlined; the nested DTOs it refers to are gathered for `components.schemas`.
 */
export class SchemaConversion {
  #registered?: Record<string, JsonSchema>;
  readonly #components = new Map<string, JsonSchema>();

  /** The schema of a declared type: a DTO class, a primitive constructor, or nothing known (`{}`). */
  schemaOf(type: unknown): JsonSchema {
    if (Array.isArray(type)) return { type: 'array', items: this.schemaOf(type[0]) };
    const primitive = PRIMITIVE_SCHEMAS.get(type);
    if (primitive) return { ...primitive };
    if (UNTYPED.has(type) || typeof type !== 'function' || (typeof Buffer !== 'undefined' && type === Buffer)) return {};
    return this.dtoSchema(type);
  }

  /** A DTO class's schema, always `type: object` with `properties`, as the ws binding requires. */
  dtoSchema(type: Function): JsonSchema {
    const schema = structuredClone(jsonSchemaConverter().targetConstructorToSchema(type, CONVERSION_OPTIONS)) as JsonSchema;
    this.#gatherRefs(schema);
    return { type: 'object', properties: {}, ...schema };
  }

  /** The nested DTOs referred to so far, by name. */
  components(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.#components].sort(([a], [b]) => a.localeCompare(b)));
  }

  #gatherRefs(node: unknown): void {
    if (Array.isArray(node)) {
      for (const item of node) this.#gatherRefs(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF_PREFIX)) {
        const className = value.slice(SCHEMA_REF_PREFIX.length);
        // Component names are `[A-Za-z0-9._-]+` in AsyncAPI; a class name may hold `$`.
        const name = className.replace(/[^\w.-]/g, '_');
        (node as JsonSchema).$ref = `${SCHEMA_REF_PREFIX}${name}`;
        this.#addComponent(className, name);
      } else {
        this.#gatherRefs(value);
      }
    }
  }

  #addComponent(className: string, name: string): void {
    if (this.#components.has(name)) return;
    // Every class class-validator knows of, converted once per document: a `$ref` names a class, not a constructor.
    this.#registered ??= jsonSchemaConverter().validationMetadatasToSchemas(CONVERSION_OPTIONS) as Record<string, JsonSchema>;
    const schema = structuredClone(this.#registered[className] ?? { type: 'object' });
    this.#components.set(name, schema);
    this.#gatherRefs(schema);
  }
}
