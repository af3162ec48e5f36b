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

/** A few small requests so the baseline includes warmed-up code and a pooled upstream connection. */
async function warmUp (gw: ChildGateway, agent: Agent): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${gw.url}/warm`, { agent, method: 'POST' }, (res) => { res.resume(); res.on('end', resolve) })
      req.on('error', reject)
      req.end('warm')
    })
  }
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
  await warmUp(gw, agent)
  const baseline = gw.rss()

  let answer = ''
  const peak = await peakRssDuring(gw, () => new Promise<void>((resolve, reject) => {
    const req = request(`${gw.url}/upload`, { agent, method: 'POST', headers: { 'content-length': String(GIB) } }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (c: string) => { answer += c })
      res.on('end', resolve)
    })
    req.on('error', reject)
    let sent = 0
    const pump = (): void => {
      while (sent < GIB) {
        sent += CHUNK.length
        if (!req.write(CHUNK)) { req.once('drain', pump); return }
      }
      req.end()
    }
    pump()
  }))
  assert.equal(answer, String(GIB))
  t.diagnostic(`gateway RSS baseline ${(baseline / 1048576).toFixed(1)} MB, peak +${((peak - baseline) / 1048576).toFixed(1)} MB`)
  assert.ok(peak - baseline <= RSS_BUDGET, `RSS grew by ${((peak - baseline) / 1048576).toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(1)} MB)`)
})

test('streams a 1 GiB download through the gateway without its RSS growing by more than 50 MB', { timeout: 120_000 }, async (t) => {
  const up = await startUpstream(t, (req, res) => {
    if (req.url === '/warm') { req.resume(); res.end('ok'); return }
    res.writeHead(200, { 'content-length': String(GIB) })
    let sent = 0
    const pump = (): void => {
      while (sent < GIB) {
        sent += CHUNK.length
        if (!res.write(CHUNK)) { res.once('drain', pump); return }
      }
      res.end()
    }
    pump()
  })
  const gw = await startChildGateway({ services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  t.after(() => gw.stop())
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  await warmUp(gw, agent)
  const baseline = gw.rss()

  let received = 0
  const peak = await peakRssDuring(gw, () => new Promise<void>((resolve, reject) => {
    const req = request(`${gw.url}/download`, { agent }, (res) => {
      res.on('data', (c: Buffer) => { received += c.length })
      res.on('end', resolve)
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  }))
  assert.equal(received, GIB)
  t.diagnostic(`gateway RSS baseline ${(baseline / 1048576).toFixed(1)} MB, peak +${((peak - baseline) / 1048576).toFixed(1)} MB`)
  assert.ok(peak - baseline <= RSS_BUDGET, `RSS grew by ${((peak - baseline) / 1048576).toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(1)} MB)`)
})
