import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'

// Kong's acl (3.x): same fields, rules and priority. `include_consumer_groups` (Kong Enterprise's
// consumer groups) is accepted as false only; `always_use_authenticated_groups` is accepted and
// changes nothing (no bundled plugin authenticates groups without a consumer).

export const AclConfigSchema = Type.Object({
  allow: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'Groups allowed: a consumer in none of them is refused (403). Exclusive with deny.' })),
  deny: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'Groups refused: a consumer in any of them is refused (403). Exclusive with allow.' })),
  hide_groups_header: Type.Boolean({ default: false, description: 'Do not send the consumer\'s groups upstream in X-Consumer-Groups.' }),
  include_consumer_groups: Type.Boolean({ default: false, description: 'Kong Enterprise consumer groups; not supported (must be false).' }),
  always_use_authenticated_groups: Type.Boolean({ default: false, description: 'Kong\'s switch for groups authenticated without a consumer; accepted, no effect (no bundled plugin does that).' })
}, { additionalProperties: false })

export type AclConfig = Static<typeof AclConfigSchema>

/** Kong's only_one_of / at_least_one_of count an empty list as unset (is_nonempty in kong/db/schema/init.lua). */
export function isSetList (list: readonly string[] | undefined): list is readonly string[] {
  return list !== undefined && list.length > 0
}

function checkAcl (config: AclConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  if (isSetList(config.allow) && isSetList(config.deny)) issues.push({ path: 'deny', message: 'cannot be used with allow (only one of allow or deny)' })
  if (!isSetList(config.allow) && !isSetList(config.deny)) issues.push({ path: '', message: 'at least one of allow or deny is required' })
  if (config.include_consumer_groups) issues.push({ path: 'include_consumer_groups', message: 'consumer groups are not supported; must be false' })
  return issues
}

export const aclSpec = definePluginSpec({
  name: 'acl',
  version: '1.0.0',
  priority: 950,
  description: 'Allows or refuses the authenticated consumer by its ACL groups (requires an authentication plugin).',
  schema: AclConfigSchema,
  noConsumer: true,
  httpProtocolsOnly: true,
  check: checkAcl
})
