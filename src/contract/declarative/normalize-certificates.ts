// Certificates and SNIs → GatewayConfig.certificates: each certificate with the names of every SNI
// that points at it (nested or top-level), lower-cased. Runs after check-certificates.ts passed.

import type { CertificateConfig } from '../gateway-config.js'
import { collectSnis } from './check-certificates.js'
import { isObject } from './paths.js'
import { createIssues } from './types.js'

export function normalizeCertificates (doc: Record<string, unknown>): CertificateConfig[] {
  const list = Array.isArray(doc.certificates) ? doc.certificates.filter(isObject) : []
  const snis: string[][] = list.map(() => [])
  for (const sni of collectSnis(doc, createIssues())) snis[sni.certificate]?.push(sni.name.toLowerCase())
  const str = (c: Record<string, unknown>, k: string): string | null => (typeof c[k] === 'string' ? c[k] as string : null)
  // Keys in sorted order (config-hash.ts).
  return list.map((c, i) => ({
    cert: c.cert as string,
    cert_alt: str(c, 'cert_alt'),
    id: str(c, 'id')?.toLowerCase() ?? null,
    key: c.key as string,
    key_alt: str(c, 'key_alt'),
    snis: snis[i]!,
    tags: Array.isArray(c.tags) ? [...c.tags as string[]] : []
  }))
}
