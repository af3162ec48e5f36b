import { readFileSync } from 'node:fs'
import { checkPemPair } from '../contract/index.js'
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
  const cert = pemOption(line, OPTIONS.proxyTlsCert)
  const key = pemOption(line, OPTIONS.proxyTlsKey)
  if ((cert === undefined) !== (key === undefined)) throw usageError('--proxy-tls-cert and --proxy-tls-key go together')
  if (cert === undefined || key === undefined) return { proxyTlsListen, cacheDir }
  const pair = checkPemPair(cert, key)
  if (pair.certProblem !== null) throw usageError(`--proxy-tls-cert: ${readOption(line, OPTIONS.proxyTlsCert) as string}: ${pair.certProblem}`)
  if (pair.keyProblem !== null || !pair.matches) throw usageError(`--proxy-tls-key: ${readOption(line, OPTIONS.proxyTlsKey) as string}: ${pair.keyProblem ?? 'it does not match the certificate'}`)
  return { proxyTlsListen, proxyTlsCertificate: { cert, key }, cacheDir }
}

/** The PEM text of a FILE option, read now (a file that cannot be read stops the command naming its flag). */
function pemOption (line: CommandLine, option: typeof OPTIONS.clusterTlsCert): string | undefined {
  const file = readOption(line, option)
  return file === undefined ? undefined : readPem(file, option.flag as string)
}

/** `atrium control-plane`: the cluster listener over TLS, and mutual TLS with its CA. */
export function clusterServerTls (line: CommandLine): { cert: string, key: string, ca?: string, mtls: boolean } | undefined {
  const cert = pemOption(line, OPTIONS.clusterTlsCert)
  const key = pemOption(line, OPTIONS.clusterTlsKey)
  const ca = pemOption(line, OPTIONS.clusterCaCert)
  const mtls = readOption(line, OPTIONS.clusterMtls)
  if ((cert === undefined) !== (key === undefined)) throw usageError('--cluster-tls-cert and --cluster-tls-key go together')
  if (mtls && (cert === undefined || ca === undefined)) throw usageError('--cluster-mtls needs --cluster-tls-cert, --cluster-tls-key and --cluster-ca-cert')
  if (cert === undefined || key === undefined) return undefined
  return { cert, key, ...(ca === undefined ? {} : { ca }), mtls }
}

/** `atrium data-plane --control-plane wss://…`: the CA to verify the control plane, and the node's client certificate. */
export function clusterClientTls (line: CommandLine): { ca?: string, cert?: string, key?: string } | undefined {
  const cert = pemOption(line, OPTIONS.clusterTlsCert)
  const key = pemOption(line, OPTIONS.clusterTlsKey)
  const ca = pemOption(line, OPTIONS.clusterCaCert)
  if ((cert === undefined) !== (key === undefined)) throw usageError('--cluster-tls-cert and --cluster-tls-key go together')
  if (cert === undefined && ca === undefined) return undefined
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert, key }) }
}
