import { createSecureContext, type SecureContext } from 'node:tls'
import type { CertificateConfig } from '../../contract/index.js'

// Config-time: a TLS context per certificate of the config and Kong's choice among them for a
// handshake's server name (kong/runloop/certificate.lua): the SNI named exactly, then `*.` + the
// name without its first label, then the name without its last label + `.*`, then the SNI named
// `*`; none of those, or a client that sends no name, → null (the listener's default certificate). A certificate with `cert_alt`
// offers both key types and OpenSSL picks the one the client supports.

export interface CertificateSelector {
  /** Per handshake: the context for `servername` (lower-cased here), or null for the default. */
  contextFor: (servername: string | undefined) => SecureContext | null
  readonly size: number
}

export const NO_CERTIFICATES: CertificateSelector = { contextFor: () => null, size: 0 }

/** The listener's TLS settings every context shares (TLS 1.2 and 1.3, a modern cipher list). */
export const TLS_SETTINGS = {
  minVersion: 'TLSv1.2',
  // Mozilla's "intermediate" TLS 1.2 suites (forward secrecy, AEAD); TLS 1.3 suites are OpenSSL's.
  ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
    'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384'
  ].join(':'),
  honorCipherOrder: true
} as const

function contextOf (pair: { cert: string, key: string, cert_alt?: string | null, key_alt?: string | null }): SecureContext {
  const alt = pair.cert_alt != null && pair.key_alt != null
  return createSecureContext({
    ...TLS_SETTINGS,
    cert: alt ? [pair.cert, pair.cert_alt as string] : pair.cert,
    key: alt ? [pair.key, pair.key_alt as string] : pair.key
  })
}

export function compileCertificates (certificates: readonly CertificateConfig[] | undefined): CertificateSelector {
  if (certificates === undefined || certificates.length === 0) return NO_CERTIFICATES
  const exact = new Map<string, SecureContext>()
  const leading = new Map<string, SecureContext>() // `*.example.com` under "example.com"
  const trailing = new Map<string, SecureContext>() // `example.*` under "example"
  let any: SecureContext | null = null
  for (const c of certificates) {
    const context = contextOf(c)
    for (const name of c.snis) {
      if (name === '*') any = context
      else if (name.startsWith('*.')) leading.set(name.slice(2), context)
      else if (name.endsWith('.*')) trailing.set(name.slice(0, -2), context)
      else exact.set(name, context)
    }
  }
  return {
    size: certificates.length,
    contextFor (servername) {
      if (servername === undefined || servername === '') return null
      const name = servername.toLowerCase()
      const found = exact.get(name)
      if (found !== undefined) return found
      const dot = name.indexOf('.')
      if (dot > 0) {
        const byLeading = leading.get(name.slice(dot + 1))
        if (byLeading !== undefined) return byLeading
        const byTrailing = trailing.get(name.slice(0, name.lastIndexOf('.')))
        if (byTrailing !== undefined) return byTrailing
      }
      return any
    }
  }
}
