import { BlockList, isIP } from 'node:net'
import { definePluginHandler } from '../types.js'
import { ipRestrictionSpec, parseIpOrCidr, type IpRestrictionConfig } from './schema.js'

// Kong's ip-restriction: the client address (the TCP peer, as X-Real-IP carries it; a client's own
// X-Forwarded-For is not trusted) is checked against `deny`, then against `allow`. Deny wins: an
// address in both lists is refused. The lists are node:net BlockLists built once per config, so a
// request costs one or two lookups whatever the number of ranges.

interface IpRestrictionState {
  allow: BlockList | null
  deny: BlockList | null
  status: number
  /** The configured refusal body, or null for Kong's default naming the client address. */
  body: { message: string } | null
}

function blockList (entries: readonly string[] | undefined): BlockList | null {
  if (entries === undefined || entries.length === 0) return null
  const list = new BlockList()
  for (const entry of entries) {
    const range = parseIpOrCidr(entry)
    // The schema's check rejected anything else; a throw here rejects the config, never a request.
    if (range === null) throw new Error(`not an IP address or CIDR range: ${JSON.stringify(entry)}`)
    if (range.prefix === null) list.addAddress(range.address, range.family)
    else list.addSubnet(range.address, range.prefix, range.family)
  }
  return list
}

const UNIX_SOCKET_BODY = { message: 'Cannot identify the client IP address, unix domain sockets are not supported.' }

export const ipRestrictionHandler = definePluginHandler(ipRestrictionSpec, {
  configure (config: IpRestrictionConfig): IpRestrictionState {
    return {
      allow: blockList(config.allow),
      deny: blockList(config.deny),
      status: config.status ?? 403,
      body: config.message === undefined ? null : { message: config.message }
    }
  },
  access (ctx, state) {
    const ip = ctx.request.clientIp
    const version = isIP(ip)
    if (version === 0) {
      ctx.exit(403, UNIX_SOCKET_BODY)
      return
    }
    const family = version === 4 ? 'ipv4' : 'ipv6'
    if ((state.deny !== null && state.deny.check(ip, family)) || (state.allow !== null && !state.allow.check(ip, family))) {
      ctx.exit(state.status, state.body ?? { message: `IP address not allowed: ${ip}` })
    }
  }
})
