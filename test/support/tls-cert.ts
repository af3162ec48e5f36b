import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'

/** A throwaway self-signed certificate for `localhost` (openssl, EC P-256). */
export function selfSignedLocalhost (): { key: Buffer, cert: Buffer } {
  const dir = mkdtempSync(join(os.tmpdir(), 'atrium-cert-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' })
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A throwaway self-signed certificate (openssl) for `names` (the first is the CN), EC P-256 or RSA 2048. */
export function selfSigned (names: string[], type: 'ec' | 'rsa' = 'ec'): { key: string, cert: string } {
  const dir = mkdtempSync(join(os.tmpdir(), 'atrium-cert-'))
  try {
    const keyArgs = type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048']
    execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
      '-subj', `/CN=${names[0] ?? 'localhost'}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`], { stdio: 'ignore' })
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface TestCa {
  cert: string
  /** A certificate signed by this CA for `sans` (e.g. `DNS:localhost`, `IP:127.0.0.1`), EC P-256. */
  issue: (cn: string, sans: string[]) => { cert: string, key: string }
}

/** A throwaway certificate authority (openssl) that signs server and client certificates. */
export function testCa (name = 'Atrium Test CA'): TestCa {
  const dir = mkdtempSync(join(os.tmpdir(), 'atrium-ca-'))
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  try {
    execFileSync('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', `/CN=${name}`], { stdio: 'ignore' })
    const caCert = readFileSync(join(dir, 'ca.pem'), 'utf8')
    const caKey = readFileSync(join(dir, 'ca.key'), 'utf8')
    return {
      cert: caCert,
      issue (cn, sans) {
        const leaf = mkdtempSync(join(os.tmpdir(), 'atrium-leaf-'))
        try {
          writeFileSync(join(leaf, 'ca.pem'), caCert)
          writeFileSync(join(leaf, 'ca.key'), caKey)
          execFileSync('openssl', ['req', '-new', ...ec, '-keyout', join(leaf, 'key.pem'), '-out', join(leaf, 'req.csr'), '-subj', `/CN=${cn}`], { stdio: 'ignore' })
          writeFileSync(join(leaf, 'ext.cnf'), `subjectAltName=${sans.join(',')}\n`)
          execFileSync('openssl', ['x509', '-req', '-in', join(leaf, 'req.csr'), '-CA', join(leaf, 'ca.pem'), '-CAkey', join(leaf, 'ca.key'), '-CAcreateserial',
            '-out', join(leaf, 'cert.pem'), '-days', '2', '-extfile', join(leaf, 'ext.cnf')], { stdio: 'ignore' })
          return { cert: readFileSync(join(leaf, 'cert.pem'), 'utf8'), key: readFileSync(join(leaf, 'key.pem'), 'utf8') }
        } finally {
          rmSync(leaf, { recursive: true, force: true })
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
