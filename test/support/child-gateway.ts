import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ConfigInput } from './gateway.js'

const SCRIPT = fileURLToPath(new URL('./gateway-process.js', import.meta.url))

export interface ChildGateway {
  child: ChildProcess
  pid: number
  port: number
  url: string
  /** Resident set size of the gateway process, in bytes (VmRSS). */
  rss: () => number
  stop: () => Promise<void>
}

/**
 * Starts a gateway serving `input` (or the config JSON in the file `@path`) in a child process,
 * optionally behind a command prefix such as `taskset -c 0`.
 */
export function startChildGateway (input: ConfigInput | `@${string}`, options: { prefix?: string[], nodeArgs?: string[] } = {}): Promise<ChildGateway> {
  const prefix = options.prefix ?? []
  const config = typeof input === 'string' ? input : JSON.stringify(input)
  const argv = [...prefix, process.execPath, ...(options.nodeArgs ?? []), SCRIPT, config]
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`gateway process exited early with ${String(code)}`)))
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', function onData (chunk: string) {
      out += chunk
      const nl = out.indexOf('\n')
      if (nl < 0) return
      child.stdout?.off('data', onData)
      child.stdout?.resume()
      const { port, pid } = JSON.parse(out.slice(0, nl)) as { port: number, pid: number }
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
