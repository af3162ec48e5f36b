import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { usageError } from './usage.js'

// The proxy TLS listener's settings of `atrium data-plane` and `atrium start`: where it listens (or
// off), its default certificate from --proxy-tls-cert/--proxy-tls-key (read and checked before
// anything starts: a bad file stops the command with its flag named), and the cache directory that
// keeps a self-signed one when none is given.

function readPem (file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw usageError(`--${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

export function proxyTlsOptions (line: CommandLine): { proxyTlsListen: ReturnType<typeof OPTIONS.proxyTlsListen.parse>, proxyTlsCertificate?: { cert: string, key: string }, cacheDir: string } {
  const proxyTlsListen = readOption(line, OPTIONS.proxyTlsListen)
  const cacheDir = readOption(line, OPTIONS.cacheDir)
  const certFile = readOption(line, OPTIONS.proxyTlsCert)
  const keyFile = readOption(line, OPTIONS.proxyTlsKey)
  if ((certFile === undefined) !== (keyFile === undefined)) throw usageError('--proxy-tls-cert and --proxy-tls-key go together')
  if (certFile === undefined || keyFile === undefined) return { proxyTlsListen, cacheDir }
  const cert = readPem(certFile, 'proxy-tls-cert')
  const key = readPem(keyFile, 'proxy-tls-key')
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch (err) {
    throw usageError(`--proxy-tls-cert: ${certFile} is not a PEM certificate: ${(err as Error).message}`)
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('it does not match the certificate')
  } catch (err) {
    throw usageError(`--proxy-tls-key: ${keyFile}: ${(err as Error).message}`)
  }
  return { proxyTlsListen, proxyTlsCertificate: { cert, key }, cacheDir }
}
