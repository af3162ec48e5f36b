import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { Agent, createServer, request } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpCall } from '../../support/http-client.js'
import { echoHandler, refusedPort, startUpstream, type EchoReply } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

/** Counts undici connect failures (each refused attempt) while the test runs. */
function countConnectErrors (t: { after: (fn: () => void) => void }, onError?: () => void): { count: number } {
  const counter = { count: 0 }
  const listener = (): void => { counter.count++; onError?.() }
  subscribe('undici:client:connectError', listener)
  t.after(() => unsubscribe('undici:client:connectError', listener))
  return counter
}

test('retries a refused connection service.retries times, then answers 502', async (t) => {
  const port = await refusedPort()
  const errors = countConnectErrors(t)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port, retries: 3 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 502)
  assert.equal(errors.count, 4)
})

test('retries a POST with a body when the upstream refused it, and delivers the whole body once it accepts', async (t) => {
  const port = await refusedPort()
  const upstream = createServer(echoHandler)
  let requests = 0
  upstream.on('request', () => { requests++ })
  t.after(() => { upstream.closeAllConnections(); upstream.close() })
  // The first refused attempt opens the port (listen binds synchronously for an IP address).
  const errors = countConnectErrors(t, () => { if (!upstream.listening) upstream.listen(port, '127.0.0.1') })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port, retries: 2 }], routes: [{ paths: ['/'] }] })
  const body = 'x'.repeat(100_000)
  const r = await httpCall(`${gw.url}/submit`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })
  assert.equal(r.status, 200)
  assert.equal((JSON.parse(r.body) as EchoReply).bodyLength, body.length)
  assert.equal(errors.count, 1)
  assert.equal(requests, 1)
})

test('retries an idempotent request without a body when the upstream resets it', async (t) => {
  let calls = 0
  const up = await startUpstream(t, (req, res) => {
    calls++
    if (calls <= 2) { req.socket.resetAndDestroy(); return }
    res.end('third time lucky')
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port, retries: 5 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 200)
  assert.equal(r.body, 'third time lucky')
  assert.equal(calls, 3)
})

test('does not retry a POST with a body that the upstream reset after receiving it', async (t) => {
  const up = await startUpstream(t, (req) => {
    req.once('data', () => { req.socket.resetAndDestroy() })
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port, retries: 5 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`, { method: 'POST', body: 'y'.repeat(10_000) })
  assert.equal(r.status, 502)
  assert.equal(up.requests, 1)
})

test('aborts the upstream request when the client disconnects while waiting for the response', async (t) => {
  let upstreamClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => { upstreamClosed = resolve })
  let received: () => void = () => {}
  const arrived = new Promise<void>((resolve) => { received = resolve })
  const up = await startUpstream(t, (_req, res) => {
    res.on('close', () => upstreamClosed())
    received()
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const req = request(`${gw.url}/slow`)
  req.on('error', () => {})
  req.end()
  await arrived
  req.destroy()
  await closed
})

test('aborts the upstream response when the client disconnects during the download', async (t) => {
  let upstreamClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => { upstreamClosed = resolve })
  const up = await startUpstream(t, (_req, res) => {
    res.on('close', () => upstreamClosed())
    res.writeHead(200)
    const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024)), 5)
    res.on('close', () => clearInterval(timer))
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const req = request(`${gw.url}/stream`, (res) => {
    res.once('data', () => { req.destroy() })
  })
  req.on('error', () => {})
  req.end()
  await closed
})

test('aborts the upstream upload when the client disconnects mid-request', async (t) => {
  let upstreamClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => { upstreamClosed = resolve })
  const up = await startUpstream(t, (req, res) => {
    res.on('close', () => upstreamClosed())
    req.resume()
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const req = request(`${gw.url}/upload`, { method: 'POST' })
  req.on('error', () => {})
  req.write(Buffer.alloc(64 * 1024))
  await sleep(100)
  req.destroy()
  await closed
})

test('loses no request when the config is swapped repeatedly under concurrent load', async (t) => {
  const a = await startUpstream(t, (_req, res) => res.end('a'))
  const b = await startUpstream(t, (_req, res) => res.end('b'))
  const configA = { services: [{ host: '127.0.0.1', port: a.port }], routes: [{ paths: ['/'] }] }
  const configB = { services: [{ host: '127.0.0.1', port: b.port }, { host: '127.0.0.1', port: a.port }], routes: [{ paths: ['/'] }] }
  const gw = await startGateway(t, configA)
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  t.after(() => agent.destroy())

  let stop = false
  const swapping = (async () => {
    let n = 0
    while (!stop) {
      await gw.apply(n++ % 2 === 0 ? configB : configA)
      await sleep(5)
    }
    return n
  })()
  const statuses = new Map<number, number>()
  const bodies = new Set<string>()
  const worker = async (): Promise<void> => {
    for (let i = 0; i < 150; i++) {
      const r = await httpCall(`${gw.url}/x`, { agent, method: i % 3 === 0 ? 'POST' : 'GET', body: i % 3 === 0 ? 'payload' : undefined })
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      bodies.add(r.body)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  stop = true
  const swaps = await swapping
  assert.deepEqual([...statuses.entries()], [[200, 16 * 150]])
  assert.deepEqual([...bodies].sort(), ['a', 'b'])
  assert.ok(swaps > 5, `only ${swaps} swaps happened`)
})
