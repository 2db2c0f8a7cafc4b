import type { z } from 'zod';

/** Message schemas by type name: `{ MoneyDeposited: z.object({...}) }`. */
export type SchemaMap = Readonly<Record<string, z.ZodType>>;

/** The `{ type, data }` union a schema map describes, with data as parsed (output) types. */
export type MessageOf<Schemas extends SchemaMap> = {
  [Type in keyof Schemas & string]: { readonly type: Type; readonly data: z.output<Schemas[Type]> };
}[keyof Schemas & string];

/** The same union with data as callers send it (input types, before defaults and transforms). */
export type MessageInputOf<Schemas extends SchemaMap> = {
  [Type in keyof Schemas & string]: { readonly type: Type; readonly data: z.input<Schemas[Type]> };
}[keyof Schemas & string];
