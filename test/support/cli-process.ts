import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The real `atrium` binary, run as a child process the way a user runs it. */
export const ATRIUM_BIN = fileURLToPath(new URL('../../../bin/atrium.js', import.meta.url))

export interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

export interface AtriumProcess {
  child: ChildProcess
  logs: LogLine[]
  stderr: () => string
  /** Resolves with the first log line that satisfies `predicate` (already seen or future). */
  waitForLog: (predicate: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>
  stop: () => Promise<number | null>
}

const TEST_PORTS = { ATRIUM_CLUSTER_LISTEN: '127.0.0.1:0', ATRIUM_PORTAL_LISTEN: '127.0.0.1:0', ATRIUM_PROXY_TLS_LISTEN: '127.0.0.1:0' }

export function startAtrium (args: string[], env: Record<string, string> = {}): AtriumProcess {
  const child = spawn(process.execPath, [ATRIUM_BIN, ...args], {
    // Tests never take the fixed default ports (8005 …): parallel test files would collide there.
    env: { ...process.env, ATRIUM_LOG_LEVEL: 'debug', ...TEST_PORTS, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logs: LogLine[] = []
  const waiters: Array<{ predicate: (l: LogLine) => boolean, resolve: (l: LogLine) => void }> = []
  let stderr = ''
  let buffered = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk
    let nl
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      let line: LogLine
      try { line = JSON.parse(text) as LogLine } catch { continue }
      logs.push(line)
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].predicate(line)) { waiters[i].resolve(line); waiters.splice(i, 1) }
      }
    }
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  return {
    child,
    logs,
    stderr: () => stderr,
    waitForLog (predicate, timeoutMs = 15000) {
      const seen = logs.find(predicate)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for a log line; stderr: ${stderr}; logs: ${JSON.stringify(logs)}`)), timeoutMs)
        waiters.push({ predicate, resolve: (l) => { clearTimeout(timer); resolve(l) } })
        void exited.then((code) => { clearTimeout(timer); reject(new Error(`atrium exited with ${code}; stderr: ${stderr}`)) })
      })
    },
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      const code = await exited
      clearTimeout(timer)
      return code
    }
  }
}

/** Runs the binary to completion and returns its exit code and output; `env` adds variables. */
export function runAtrium (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ATRIUM_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...TEST_PORTS, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c })
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c })
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}
