// WebSocket load generator: CONNECTIONS clients on URL, each sending a 64-byte message and sending
// the next as soon as its echo is back (ping-pong), for SECONDS. Prints one JSON line:
// {"messages": N, "rps": messages per second, "p50ms", "p99ms"} (round trips).
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'

const [url, connections, seconds] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])]
const payload = Buffer.alloc(64, 97)
const samples: number[] = []
let messages = 0
let running = true

async function client (): Promise<void> {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  await new Promise<void>((resolve) => {
    let sentAt = performance.now()
    ws.on('message', () => {
      messages++
      if (samples.length < 200_000) samples.push(performance.now() - sentAt)
      if (!running) { ws.close(); resolve(); return }
      sentAt = performance.now()
      ws.send(payload)
    })
    ws.send(payload)
  })
}

const started = performance.now()
setTimeout(() => { running = false }, seconds * 1000)
await Promise.all(Array.from({ length: connections }, client))
const elapsed = (performance.now() - started) / 1000
samples.sort((a, b) => a - b)
const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN
process.stdout.write(`${JSON.stringify({ messages, rps: messages / elapsed, p50ms: at(0.5), p99ms: at(0.99) })}\n`)
