import type { GatewayConfig } from '../../contract/gateway-config.js'
import { headerValue } from '../consumer-identity.js'
import { definePluginHandler } from '../types.js'
import { aclSpec, isSetList, type AclConfig } from './schema.js'

// Kong's acl: runs after the authentication plugins (priority 950) on the consumer they identified
// (the anonymous consumer too, with its own groups). No consumer: 401 Unauthorized; a consumer
// outside `allow` or inside `deny`: 403 "You cannot consume this service". Allowed requests carry
// the consumer's groups upstream in X-Consumer-Groups (`a, b`), unless hide_groups_header; a
// client's own X-Consumer-Groups never reaches the upstream (Kong leaves it when hidden; Atrium
// removes it, so it cannot be forged). Group sets and header values are built once per config.

const GROUPS_HEADER = 'X-Consumer-Groups'
const UNAUTHORIZED = { message: 'Unauthorized' }
const FORBIDDEN = { message: 'You cannot consume this service' }

interface ConsumerGroups { groups: readonly string[], header: string | null }

interface AclState {
  config: AclConfig
  mode: 'allow' | 'deny'
  listed: ReadonlySet<string>
  consumers: readonly ConsumerGroups[]
}

function groupTable (gateway: GatewayConfig): ConsumerGroups[] {
  return (gateway.consumers ?? []).map((c) => {
    const groups = (c.credentials.acls ?? []).map((a) => a.group)
    return { groups, header: groups.length === 0 ? null : headerValue(groups.join(', ')) }
  })
}

export const aclHandler = definePluginHandler(aclSpec, {
  configure (config, ctx): AclState {
    return {
      config,
      mode: isSetList(config.allow) ? 'allow' : 'deny',
      listed: new Set(isSetList(config.allow) ? config.allow : config.deny ?? []),
      consumers: ctx.memo('groups', () => groupTable(ctx.gateway))
    }
  },
  access (ctx, state) {
    const index = ctx.consumerIndex
    if (index === null) {
      ctx.exit(401, UNAUTHORIZED)
      return
    }
    const { groups, header } = state.consumers[index]
    const inListed = groups.some((g) => state.listed.has(g))
    if (state.mode === 'allow' ? !inListed : inListed) {
      ctx.exit(403, FORBIDDEN)
      return
    }
    if (state.config.hide_groups_header || header === null) ctx.upstream.headers.remove(GROUPS_HEADER)
    else ctx.upstream.headers.set(GROUPS_HEADER, header)
  }
})
