// Kong 3.9's rules for certificates and SNIs beyond their shapes (certificates.lua, snis.lua): the
// PEM material parses, each key matches its certificate, cert_alt and key_alt come together and
// hold the other key type, the certificate has not expired (unless the caller accepts expired ones:
// a node applying its control plane's config must not refuse it because time passed), SNI names are
// wildcard hosts, unique across certificates, and top-level SNIs name an existing certificate.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { isObject, joinPath } from './paths.js'
import { referenceIndex, resolveReference } from './references.js'
import { isHostname } from './hosts.js'
import type { Issues } from './types.js'

export interface CertificateCheckOptions {
  /** Reject certificates whose notAfter is before this time (ms); null accepts expired ones. */
  now: number | null
}

export interface SniEntry { name: string, path: string, certificate: number }

/** Every SNI of the document: nested ones (strings or `{ name }`) and top-level ones with their certificate's position. */
export function collectSnis (doc: Record<string, unknown>, issues: Issues): SniEntry[] {
  const certificates = Array.isArray(doc.certificates) ? doc.certificates : []
  const out: SniEntry[] = []
  certificates.forEach((c: unknown, i) => {
    if (!isObject(c) || !Array.isArray(c.snis)) return
    c.snis.forEach((s: unknown, j) => {
      const name = typeof s === 'string' ? s : isObject(s) && typeof s.name === 'string' ? s.name : null
      if (name !== null) out.push({ name, path: joinPath(joinPath(joinPath('certificates', i), 'snis'), j), certificate: i })
    })
  })
  if (Array.isArray(doc.snis)) {
    const index = referenceIndex('certificate', 'id', certificates.filter(isObject))
    doc.snis.forEach((s: unknown, i) => {
      if (!isObject(s) || typeof s.name !== 'string') return
      const path = joinPath('snis', i)
      const at = resolveReference(s.certificate, joinPath(path, 'certificate'), index, issues)
      if (at !== null) out.push({ name: s.name, path, certificate: at })
    })
  }
  return out
}

/** Kong's typedefs.wildcard_host: a hostname with at most one `*`, as its whole first or last label; or `*`. */
export function sniNameProblem (name: string): string | null {
  if (name === '*') return null
  const labels = name.split('.')
  const stars = labels.filter((l) => l.includes('*'))
  if (stars.length > 1 || (stars.length === 1 && !(labels[0] === '*' || labels[labels.length - 1] === '*'))) {
    return 'only one wildcard is allowed, as the whole first or last label (*.example.com, example.*)'
  }
  const rest = labels.filter((l) => l !== '*').join('.')
  if (labels.length < 2 && stars.length === 1) return 'a wildcard needs another label'
  if (!isHostname(rest)) return 'must be a hostname (no port, no IP address)'
  if (/^[\d.]+$/.test(name)) return 'must be a hostname, not an IP address'
  return null
}

/** Parses a PEM certificate and its private key; the problem with each (null when fine) and whether they match. */
export function checkPemPair (certPem: string, keyPem: string): { cert: X509Certificate | null, certProblem: string | null, keyProblem: string | null, matches: boolean } {
  let cert: X509Certificate | null = null
  let key: KeyObject | null = null
  let certProblem: string | null = null
  let keyProblem: string | null = null
  try { cert = new X509Certificate(certPem) } catch (err) { certProblem = `invalid certificate: ${(err as Error).message}` }
  try { key = createPrivateKey(keyPem) } catch (err) { keyProblem = `invalid key: ${(err as Error).message}` }
  return { cert, certProblem, keyProblem, matches: cert !== null && key !== null && cert.checkPrivateKey(key) }
}

function checkPair (c: Record<string, unknown>, certField: string, keyField: string, path: string, options: CertificateCheckOptions, issues: Issues): X509Certificate | null {
  if (typeof c[certField] !== 'string' || typeof c[keyField] !== 'string') return null
  const { cert, certProblem, keyProblem, matches } = checkPemPair(c[certField] as string, c[keyField] as string)
  if (certProblem !== null) issues.error(joinPath(path, certField), certProblem)
  if (keyProblem !== null) issues.error(joinPath(path, keyField), keyProblem)
  if (cert === null || keyProblem !== null) return null
  if (!matches) {
    issues.error(joinPath(path, keyField), certField === 'cert' ? 'certificate does not match key' : 'alternative certificate does not match key')
  }
  if (options.now !== null && Date.parse(cert.validTo) < options.now) {
    issues.error(joinPath(path, certField), `certificate expired on ${new Date(Date.parse(cert.validTo)).toISOString()}`)
  }
  return cert
}

export function checkCertificates (doc: Record<string, unknown>, options: CertificateCheckOptions, issues: Issues): void {
  const certificates = Array.isArray(doc.certificates) ? doc.certificates : []
  const ids = new Map<string, string>()
  certificates.forEach((c: unknown, i) => {
    if (!isObject(c)) return
    const path = joinPath('certificates', i)
    if (typeof c.id === 'string') {
      const first = ids.get(c.id.toLowerCase())
      if (first !== undefined) issues.error(joinPath(path, 'id'), `duplicate certificate id "${c.id}" (also at ${first})`)
      else ids.set(c.id.toLowerCase(), joinPath(path, 'id'))
    }
    const main = checkPair(c, 'cert', 'key', path, options, issues)
    if ((c.cert_alt === undefined) !== (c.key_alt === undefined)) {
      issues.error(joinPath(path, c.cert_alt === undefined ? 'cert_alt' : 'key_alt'), 'cert_alt and key_alt go together: both or neither')
      return
    }
    const alt = checkPair(c, 'cert_alt', 'key_alt', path, options, issues)
    if (main !== null && alt !== null && main.publicKey.asymmetricKeyType === alt.publicKey.asymmetricKeyType) {
      issues.error(joinPath(path, 'cert_alt'), 'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type')
    }
  })
  const seen = new Map<string, string>()
  for (const sni of collectSnis(doc, issues)) {
    const at = sni.path.startsWith('snis[') ? joinPath(sni.path, 'name') : sni.path
    const problem = sniNameProblem(sni.name)
    if (problem !== null) issues.error(at, `Invalid SNI ('${sni.name}'); ${problem}`)
    const key = sni.name.toLowerCase()
    const first = seen.get(key)
    if (first !== undefined) issues.error(at, `duplicate SNI name "${sni.name}" (also at ${first})`)
    else seen.set(key, at)
  }
}
