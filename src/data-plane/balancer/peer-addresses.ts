import { isIP } from 'node:net'
import type { UpstreamConfig } from '../../contract/index.js'
import type { ResolvedName } from './target-resolver.js'

// An upstream's peers, as Kong's balancer has them: a target named by an IP is one address; a
// target named by a hostname is every address its name resolves to, each with the target's weight
// (an answer of three A records triples the target's share). A name without an answer gives no
// address (the target is DNS_ERROR) and its error is kept for the health endpoints.

export interface PeerAddress {
  /** Index of its target in upstream.targets. */
  target: number
  ip: string
  port: number
  weight: number
  /** `ip:port` (IPv6 in brackets): the address in health bodies, metrics, marks and the hash ring. */
  key: string
}

export function peerAddresses (upstream: UpstreamConfig, resolved: (name: string) => ResolvedName | undefined): { addresses: PeerAddress[], dnsErrors: Array<string | null> } {
  const addresses: PeerAddress[] = []
  const dnsErrors: Array<string | null> = []
  upstream.targets.forEach((t, target) => {
    if (isIP(t.host) !== 0) {
      addresses.push({ target, ip: t.host, port: t.port, weight: t.weight, key: t.target })
      dnsErrors.push(null)
      return
    }
    const answer = resolved(t.host)
    const ips = answer?.addresses ?? []
    for (const ip of ips) addresses.push({ target, ip, port: t.port, weight: t.weight, key: `${isIP(ip) === 6 ? `[${ip}]` : ip}:${t.port}` })
    dnsErrors.push(ips.length > 0 ? null : answer?.error ?? 'not resolved')
  })
  return { addresses, dnsErrors }
}

/** The hostnames among an upstream's targets (what the resolver is asked). */
export function targetNames (upstream: UpstreamConfig): string[] {
  return [...new Set(upstream.targets.filter((t) => isIP(t.host) === 0).map((t) => t.host))]
}
