// A gateway in its own process, for tests that measure it (RSS) or load it (benchmarks).
// Usage: node dist/test/support/gateway-process.js '<config input JSON>' | @<file with that JSON>
// Prints one line `{"port": N, "pid": P}` once listening on 127.0.0.1; exits on SIGTERM or when stdin closes.
import { readFileSync } from 'node:fs'
import { startGateway, type ConfigInput } from './gateway.js'

const arg = process.argv[2] ?? 'null'
const input = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as ConfigInput | null
const gateway = await startGateway(null, input)
process.stdout.write(`${JSON.stringify({ port: gateway.port, pid: process.pid })}\n`)

async function stop (): Promise<void> {
  await gateway.close()
  process.exit(0)
}
process.on('SIGTERM', () => { void stop() })
process.stdin.on('end', () => { void stop() })
process.stdin.resume()
