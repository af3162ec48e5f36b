import { Type, type Static, type TArray, type TString } from '@sinclair/typebox'
import { definePluginSpec } from '../spec.js'
import { HeaderName, StringEnum } from '../schema-types.js'

// Kong's response-transformer (3.x): same fields, defaults, rules and priority. Edits are
// "name:value" strings (remove: names only), applied in the order remove, rename, replace, add,
// append; JSON body edits apply to JSON responses only.

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"

const names = (description: string): TArray<TString> =>
  Type.Array(Type.String({ minLength: 1 }), { default: [], description })

const pairs = (description: string): TArray<TString> =>
  Type.Array(Type.String({ pattern: '^[^:]+:.*$', errorMessage: 'must be "name:value"' }), { default: [], description })

const headerPairs = (description: string): TArray<TString> =>
  Type.Array(Type.String({ pattern: `^${TOKEN}:[\\t\\x20-\\x7e\\x80-\\xff]*$`, errorMessage: 'must be "header:value" with a valid header name and value' }), { default: [], description })

const JSON_TYPES = ['boolean', 'number', 'string'] as const

const jsonTypes = Type.Array(StringEnum(JSON_TYPES), {
  default: [],
  description: 'Types of the `json` values, by position (boolean: "true" is true, anything else false; number: the value parsed, skipped when it is not a number; string: as is). Values without a type are strings.'
})

export const ResponseTransformerConfigSchema = Type.Object({
  remove: Type.Object({
    headers: Type.Array(HeaderName(), { default: [], description: 'Response headers to remove.' }),
    json: names('Top-level JSON body fields to remove.')
  }, { additionalProperties: false, default: {}, description: 'Remove headers and JSON fields.' }),
  rename: Type.Object({
    headers: Type.Array(Type.String({ pattern: `^${TOKEN}:+${TOKEN}$`, errorMessage: 'must be "old:new" with two valid header names' }), {
      default: [], description: 'Headers to rename, "old:new" (all their values move).'
    }),
    json: pairs('Top-level JSON body fields to rename, "old:new".')
  }, { additionalProperties: false, default: {}, description: 'Rename headers and JSON fields.' }),
  replace: Type.Object({
    headers: headerPairs('"header:value": replaces the header\'s values when the response has it.'),
    json: pairs('"field:value": replaces a top-level JSON field when the body has it.'),
    json_types: jsonTypes
  }, { additionalProperties: false, default: {}, description: 'Replace existing headers and JSON fields.' }),
  add: Type.Object({
    headers: headerPairs('"header:value": sets the header when the response does not have it.'),
    json: pairs('"field:value": sets a top-level JSON field when the body does not have it.'),
    json_types: jsonTypes
  }, { additionalProperties: false, default: {}, description: 'Add headers and JSON fields that are missing.' }),
  append: Type.Object({
    headers: headerPairs('"header:value": adds one more value of the header.'),
    json: pairs('"field:value": appends to a top-level JSON field (a list is extended, another value becomes a list).'),
    json_types: jsonTypes
  }, { additionalProperties: false, default: {}, description: 'Append values to headers and JSON fields.' })
}, { additionalProperties: false })

export type ResponseTransformerConfig = Static<typeof ResponseTransformerConfigSchema>

export const responseTransformerSpec = definePluginSpec({
  name: 'response-transformer',
  version: '1.0.0',
  priority: 800,
  description: 'Edits the response before the client gets it: removes, renames, replaces, adds or appends headers and top-level JSON body fields.',
  schema: ResponseTransformerConfigSchema,
  httpProtocolsOnly: true
})
