import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startChildGateway, type ChildGateway } from '../../support/child-gateway.js'
import { startUpstream } from '../../support/upstream.js'

// The gateway runs in a child process so its RSS can be read on its own (/proc/<pid>/status).
const GIB = 1024 * 1024 * 1024
const CHUNK = Buffer.alloc(1024 * 1024, 0x61)
const RSS_BUDGET = 50 * 1024 * 1024
// The warm-up streams this much the same way first, so the baseline already holds what the
// large-body path costs once (its optimised code, V8's and malloc's working set for 1 MiB chunks):
// what is measured is growth with the body's size, the thing a buffering gateway shows.
const WARM_BYTES = 64 * 1024 * 1024

/** Samples the gateway's RSS every 50 ms; returns the peak seen while `work` runs. */
async function peakRssDuring (gw: ChildGateway, work: () => Promise<void>): Promise<number> {
  let peak = gw.rss()
  const timer = setInterval(() => { peak = Math.max(peak, gw.rss()) }, 50)
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, gw.rss())
}

/** Writes `total` bytes of CHUNKs to `out` with backpressure, then ends it. */
function pumpBytes (out: { write: (c: Buffer) => boolean, once: (e: 'drain', f: () => void) => unknown, end: () => void }, total: number): void {
  let sent = 0
  const pump = (): void => {
    while (sent < total) {
      sent += CHUNK.length
      if (!out.write(CHUNK)) { out.once('drain', pump); return }
    }
    out.end()
  }
  pump()
}

/** One request through the gateway; `body` bytes are streamed up (0: none). Resolves with the bytes received. */
function transfer (gw: ChildGateway, agent: Agent, path: string, body: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const headers = body > 0 ? { 'content-length': String(body) } : {}
    const req = request(`${gw.url}${path}`, { agent, method: body > 0 ? 'POST' : 'GET', headers }, (res) => {
      let received = 0
      res.on('data', (c: Buffer) => { received += c.length })
      res.on('end', () => resolve(received))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (body > 0) pumpBytes(req, body); else req.end()
  })
}

/**
 * Small requests (a pooled upstream connection, warmed-up code) and one WARM_BYTES transfer the way
 * the test then streams 1 GiB, so the baseline is the gateway's working set for large bodies.
 */
async function warmUp (gw: ChildGateway, agent: Agent, path: string, body: number): Promise<void> {
  for (let i = 0; i < 50; i++) await transfer(gw, agent, '/warm', 4)
  await transfer(gw, agent, path, body)
  await sleep(200)
}

test('streams a 1 GiB upload through the gateway without its RSS growing by more than 50 MB', { timeout: 120_000 }, async (t) => {
  const up = await startUpstream(t, (req, res) => {
    let received = 0
    req.on('data', (c: Buffer) => { received += c.length })
    req.on('end', () => res.end(String(received)))
  })
  const gw = await startChildGateway({ services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  t.after(() => gw.stop())
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  await warmUp(gw, agent, '/upload', WARM_BYTES)
  const baseline = gw.rss()

  let answer = ''
  const peak = await peakRssDuring(gw, () => new Promise<void>((resolve, reject) => {
    const req = request(`${gw.url}/upload`, { agent, method: 'POST', headers: { 'content-length': String(GIB) } }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (c: string) => { answer += c })
      res.on('end', resolve)
    })
    req.on('error', reject)
    pumpBytes(req, GIB)
  }))
  assert.equal(answer, String(GIB))
  t.diagnostic(`gateway RSS baseline ${(baseline / 1048576).toFixed(1)} MB, peak +${((peak - baseline) / 1048576).toFixed(1)} MB`)
  assert.ok(peak - baseline <= RSS_BUDGET, `RSS grew by ${((peak - baseline) / 1048576).toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(1)} MB)`)
})

test('streams a 1 GiB download through the gateway without its RSS growing by more than 50 MB', { timeout: 120_000 }, async (t) => {
  const up = await startUpstream(t, (req, res) => {
    req.resume()
    if (req.url === '/warm') { res.end('ok'); return }
    const size = req.url === '/download-warm' ? WARM_BYTES : GIB
    res.writeHead(200, { 'content-length': String(size) })
    pumpBytes(res, size)
  })
  const gw = await startChildGateway({ services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  t.after(() => gw.stop())
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  await warmUp(gw, agent, '/download-warm', 0)
  const baseline = gw.rss()

  let received = 0
  const peak = await peakRssDuring(gw, async () => { received = await transfer(gw, agent, '/download', 0) })
  assert.equal(received, GIB)
  t.diagnostic(`gateway RSS baseline ${(baseline / 1048576).toFixed(1)} MB, peak +${((peak - baseline) / 1048576).toFixed(1)} MB`)
  assert.ok(peak - baseline <= RSS_BUDGET, `RSS grew by ${((peak - baseline) / 1048576).toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(1)} MB)`)
})
