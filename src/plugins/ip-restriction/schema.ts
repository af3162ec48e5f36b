import { isIP } from 'node:net'
import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'

// Kong's ip-restriction (3.x): same fields, rules and priority. Without `status` and `message`,
// Kong answers 403 {"message": "IP address not allowed: <client address>"}.

const IpOrCidr = Type.String({ minLength: 1, description: 'An IPv4 or IPv6 address (192.168.1.1, ::1) or CIDR range (10.0.0.0/8, 2001:db8::/32).' })

export const IpRestrictionConfigSchema = Type.Object({
  allow: Type.Optional(Type.Array(IpOrCidr, { description: 'Addresses and CIDR ranges allowed; every other client is refused. One of allow or deny must be set.' })),
  deny: Type.Optional(Type.Array(IpOrCidr, { description: 'Addresses and CIDR ranges refused (deny wins over allow). One of allow or deny must be set.' })),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'Status of the refusal (403 when not set).' })),
  message: Type.Optional(Type.String({ description: 'Message of the refusal, answered as {"message": …} (Kong\'s "IP address not allowed: <client address>" when not set).' }))
}, { additionalProperties: false })

export type IpRestrictionConfig = Static<typeof IpRestrictionConfigSchema>

export interface ParsedRange {
  address: string
  family: 'ipv4' | 'ipv6'
  /** The prefix length, or null for a single address. */
  prefix: number | null
}

/** `10.0.0.0/8` → { address, family, prefix }; null when it is not an address or CIDR range. */
export function parseIpOrCidr (entry: string): ParsedRange | null {
  const slash = entry.indexOf('/')
  const address = slash < 0 ? entry : entry.slice(0, slash)
  const version = isIP(address)
  if (version === 0) return null
  const family = version === 4 ? 'ipv4' : 'ipv6'
  if (slash < 0) return { address, family, prefix: null }
  const text = entry.slice(slash + 1)
  if (!/^\d{1,3}$/.test(text)) return null
  const prefix = Number(text)
  if (prefix > (version === 4 ? 32 : 128)) return null
  return { address, family, prefix }
}

function checkIpRestriction (config: IpRestrictionConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  if ((config.allow ?? []).length === 0 && (config.deny ?? []).length === 0) {
    issues.push({ path: '', message: 'at least one of allow or deny must be a non-empty list' })
  }
  for (const field of ['allow', 'deny'] as const) {
    config[field]?.forEach((entry, i) => {
      if (parseIpOrCidr(entry) === null) issues.push({ path: `${field}[${i}]`, message: 'must be an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)' })
    })
  }
  return issues
}

export const ipRestrictionSpec = definePluginSpec({
  name: 'ip-restriction',
  version: '1.0.0',
  priority: 990,
  description: 'Allows or refuses requests by client IP address (IPv4 and IPv6 addresses and CIDR ranges); deny wins over allow.',
  schema: IpRestrictionConfigSchema,
  check: checkIpRestriction
})
