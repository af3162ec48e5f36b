import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ATRIUM_BIN } from './cli-process.js'
import { gatewayConfig, type ConfigInput } from './gateway.js'

export interface ChildGateway {
  child: ChildProcess
  pid: number
  port: number
  url: string
  /** Resident set size of the gateway process, in bytes (VmRSS). */
  rss: () => number
  stop: () => Promise<void>
}

/** The Node flags the `atrium` binary runs with (its `#!/usr/bin/env -S node …` line). */
export function atriumNodeFlags (bin = ATRIUM_BIN): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0]
  return first.split(/\s+/).filter((w) => w.startsWith('--'))
}

/** ConfigInput (normalised shape, tests' shorthand) → a Kong declarative document the CLI loads. */
export function toDeclarative (input: ConfigInput): Record<string, unknown> {
  const config = gatewayConfig(input)
  const names = config.services.map((s, i) => s.name ?? `service-${i}`)
  const nonEmpty = (v: unknown[]): unknown[] | undefined => (v.length > 0 ? v : undefined)
  return {
    _format_version: '3.0',
    services: config.services.map((s, i) => ({
      name: names[i],
      protocol: s.protocol,
      host: s.host,
      port: s.port,
      path: s.path ?? undefined,
      connect_timeout: s.connect_timeout,
      write_timeout: s.write_timeout,
      read_timeout: s.read_timeout,
      retries: s.retries,
      tls_verify: s.tls_verify,
      tags: s.tags
    })),
    routes: config.routes.map((r) => ({
      name: r.name ?? undefined,
      service: r.service === null ? undefined : { name: names[r.service] },
      paths: nonEmpty(r.paths),
      methods: nonEmpty(r.methods),
      hosts: nonEmpty(r.hosts),
      headers: Object.keys(r.headers).length > 0 ? r.headers : undefined,
      strip_path: r.strip_path,
      preserve_host: r.preserve_host,
      regex_priority: r.regex_priority,
      protocols: r.protocols,
      tags: r.tags
    }))
  }
}

/**
 * Runs the real `atrium data-plane` on `input` (or on the ConfigInput JSON in the file `@path`) in a
 * child process, optionally behind a command prefix such as `taskset -c 0` and with extra Node flags
 * (e.g. `--cpu-prof`). The process gets the same Node flags as the installed binary.
 */
export async function startChildGateway (input: ConfigInput | `@${string}`, options: ChildGatewayOptions = {}): Promise<ChildGateway> {
  const parsed = typeof input === 'string' ? JSON.parse(readFileSync(input.slice(1), 'utf8')) as ConfigInput : input
  const dir = mkdtempSync(join(tmpdir(), 'atrium-child-gw-'))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(toDeclarative(parsed)))
  try {
    const gateway = await startGatewayOnFile(file, options)
    gateway.child.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    return gateway
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

export interface ChildGatewayOptions {
  prefix?: string[]
  nodeArgs?: string[]
  /** Another build's `bin/atrium.js` (benchmarks compare builds); default: this checkout's. */
  bin?: string
  /** More `atrium data-plane` flags (e.g. `--metrics off`). */
  args?: string[]
}

/** Runs `atrium data-plane --config <file>` (a declarative file as a user writes it) in a child process. */
export function startGatewayOnFile (file: string, options: ChildGatewayOptions = {}): Promise<ChildGateway> {
  const bin = options.bin ?? ATRIUM_BIN
  const argv = [...(options.prefix ?? []), process.execPath, ...atriumNodeFlags(bin), ...(options.nodeArgs ?? []), bin,
    'data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', ...(options.args ?? [])]
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ATRIUM_LOG_LEVEL: 'info', ATRIUM_PROXY_TLS_LISTEN: 'off' } })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => { reject(new Error(`gateway process exited early with ${String(code)}: ${out}`)) })
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', function onData (chunk: string) {
      out += chunk
      const line = out.split('\n').find((l) => l.includes('"proxy listening"'))
      if (line === undefined) return
      child.stdout?.off('data', onData)
      child.stdout?.resume()
      const port = (JSON.parse(line) as { port: number }).port
      const pid = child.pid ?? 0
      child.removeAllListeners('exit')
      resolve({
        child,
        pid,
        port,
        url: `http://127.0.0.1:${port}`,
        rss: () => {
          const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
          return m === null ? 0 : Number(m[1]) * 1024
        },
        stop: () => new Promise<void>((resolveStop) => {
          if (child.exitCode !== null || child.signalCode !== null) { resolveStop(); return }
          child.once('exit', () => resolveStop())
          child.kill('SIGTERM')
        })
      })
    })
  })
}
