import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net'
import { connect as h2connect, type IncomingHttpHeaders } from 'node:http2'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DataPlane, DataPlaneOptions } from '../../../src/data-plane/data-plane.js'
import { startTlsNode } from '../../support/tls-node.js'
import { httpCall } from '../../support/http-client.js'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { selfSigned } from '../../support/tls-cert.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// The proxy's limits on slow or greedy clients, through real sockets: the header, body and send
// timeouts and the TLS handshake timeout (nginx's client_header_timeout, client_body_timeout,
// send_timeout, ssl_handshake_timeout), pipelined requests served one at a time, upstream pools
// with a connection cap and a bounded queue, and an upstream body that breaks before its first byte.
// Limits are set short here (hundreds of ms) so the tests stay quick; no test asserts a duration.

const certificate = selfSigned(['limits.example.test'])

interface Node { dp: DataPlane, port: number, tlsPort: number }

async function startNode (t: TestContext, doc: Record<string, unknown>, more: Partial<DataPlaneOptions> = {}): Promise<Node> {
  const node = await startTlsNode(t, doc, { certificate, more })
  return { dp: node.dp, port: node.dp.proxyAddress.port, tlsPort: node.tlsPort }
}

function serviceTo (port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { _format_version: '3.0', services: [{ name: 'svc', url: `http://127.0.0.1:${port}`, ...extra, routes: [{ name: 'all', paths: ['/'] }] }] }
}

async function rawSocket (t: TestContext, port: number): Promise<Socket> {
  const socket = netConnect(port, '127.0.0.1')
  t.after(() => socket.destroy())
  await once(socket, 'connect')
  return socket
}

/** Everything the gateway sends on `socket` until it closes the connection. */
async function readUntilClosed (socket: Socket): Promise<string> {
  let text = ''
  socket.setEncoding('latin1')
  socket.on('data', (c: string) => { text += c })
  socket.on('error', () => {})
  await once(socket, 'close')
  return text
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

test('headers that dribble in slower than --client-header-timeout get 408 and a closed connection; an idle keep-alive wait is not counted', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startNode(t, serviceTo(upstream.port), { clientLimits: { headerTimeoutMs: 400 } })
  const socket = await rawSocket(t, node.port)
  const closed = readUntilClosed(socket)
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n')
  // One header byte every 100 ms: the connection is active, the headers never complete.
  const drip = setInterval(() => { if (!socket.destroyed) socket.write('X') }, 100)
  t.after(() => clearInterval(drip))
  const answer = await closed
  clearInterval(drip)
  assert.match(answer, /^HTTP\/1\.1 408 /)
  assert.match(answer, /"code":"ATRIUM_ERR_PROXY_CLIENT_TIMEOUT"/)
  assert.equal(upstream.requests, 0)

  // A keep-alive connection that waits longer than the header timeout between two requests is kept.
  const kept = await rawSocket(t, node.port)
  let received = ''
  kept.setEncoding('latin1')
  kept.on('data', (c: string) => { received += c })
  kept.write('GET /one HTTP/1.1\r\nHost: x\r\n\r\n')
  while (!received.includes('/one')) await once(kept, 'data')
  await sleep(900)
  assert.equal(kept.destroyed, false)
  kept.write('GET /two HTTP/1.1\r\nHost: x\r\n\r\n')
  while (!received.includes('/two')) await once(kept, 'data')
  assert.equal(received.match(/HTTP\/1\.1 200 /g)?.length, 2)
})

test('a request body that stalls longer than --client-body-timeout is answered 408 and its upstream call aborted; a slow but steady body passes', async (t) => {
  let aborted = 0
  const upstream = await startUpstream(t, (req, res) => {
    req.on('aborted', () => { aborted++ })
    req.on('close', () => { if (!req.complete) aborted++ })
    echoHandler(req, res)
  })
  const node = await startNode(t, serviceTo(upstream.port), { clientLimits: { bodyTimeoutMs: 400 } })
  const socket = await rawSocket(t, node.port)
  const closed = readUntilClosed(socket)
  socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789')
  const answer = await closed
  assert.match(answer, /^HTTP\/1\.1 408 /)
  assert.match(answer, /"code":"ATRIUM_ERR_PROXY_CLIENT_TIMEOUT"/)
  for (let i = 0; i < 50 && aborted === 0; i++) await sleep(20)
  assert.ok(aborted > 0, 'the upstream saw its request cut')

  // 12 bytes, one every 100 ms: each gap is well inside the timeout, the whole is three times it.
  const steady = await rawSocket(t, node.port)
  const steadyAnswer = readUntilClosed(steady)
  steady.write('POST /steady HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nConnection: close\r\n\r\n')
  for (let i = 0; i < 12; i++) {
    await sleep(100)
    steady.write('x')
  }
  const text = await steadyAnswer
  assert.match(text, /^HTTP\/1\.1 200 /)
  assert.match(text, /"bodyLength":12/)
})

test('a body the upstream holds back (backpressure) is not a client timeout', async (t) => {
  const size = 16 * 1024 * 1024
  const upstream = await startUpstream(t, (req, res) => {
    req.pause()
    setTimeout(() => { // reads nothing for three body timeouts
      echoHandler(req, res)
      req.resume()
    }, 1200)
  })
  const node = await startNode(t, serviceTo(upstream.port), { clientLimits: { bodyTimeoutMs: 400 } })
  const res = await httpCall(`http://127.0.0.1:${node.port}/held`, { method: 'POST', body: 'y'.repeat(size) })
  assert.equal(res.status, 200)
  assert.equal(JSON.parse(res.body).bodyLength, size)
})

test('a client that stops reading a large response is cut after --client-send-timeout and the upstream call is aborted', async (t) => {
  let upstreamGone: () => void = () => {}
  const gone = new Promise<void>((resolve) => { upstreamGone = resolve })
  const upstream = await startUpstream(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    const chunk = Buffer.alloc(64 * 1024, 7)
    const pump = (): void => {
      while (res.write(chunk)) { /* until the socket is full */ }
      res.once('drain', pump)
    }
    res.on('close', () => upstreamGone())
    pump()
  })
  const node = await startNode(t, serviceTo(upstream.port), { clientLimits: { sendTimeoutMs: 400 } })
  const socket = await rawSocket(t, node.port)
  socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n')
  await once(socket, 'data')
  socket.pause() // reads nothing more
  await gone // the gateway gave up: the upstream's response was aborted
  // Reading again drains what was in flight, then finds the connection closed.
  socket.on('error', () => {})
  const closed = once(socket, 'close')
  socket.resume()
  await closed
})

test('a TLS client that never finishes its handshake is dropped after --tls-handshake-timeout', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startNode(t, serviceTo(upstream.port), { clientLimits: { tlsHandshakeTimeoutMs: 300 } })
  const socket = await rawSocket(t, node.tlsPort)
  socket.write(Buffer.from([0x16, 0x03, 0x01])) // the start of a ClientHello, then nothing
  await readUntilClosed(socket)
  assert.equal(upstream.requests, 0)
})

test('an HTTP/2 stream whose body stalls is answered 408 on that stream; the connection goes on', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startNode(t, serviceTo(upstream.port), { clientLimits: { bodyTimeoutMs: 400 } })
  const session = h2connect(`https://127.0.0.1:${node.tlsPort}`, { ca: certificate.cert, servername: 'limits.example.test' })
  t.after(() => session.destroy())
  const stalled = session.request({ ':method': 'POST', ':path': '/stall' })
  stalled.write('part of a body')
  const [headers] = await once(stalled, 'response') as [IncomingHttpHeaders]
  assert.equal(headers[':status'], 408)
  stalled.resume()
  const ok = session.request({ ':path': '/after' })
  ok.end()
  const [okHeaders] = await once(ok, 'response') as [IncomingHttpHeaders]
  assert.equal(okHeaders[':status'], 200)
  ok.resume()
})

test('pipelined requests are served one at a time, in order', async (t) => {
  let active = 0
  let most = 0
  const upstream = await startUpstream(t, (req, res) => {
    active++
    most = Math.max(most, active)
    setTimeout(() => {
      active--
      echoHandler(req, res)
    }, 5)
  })
  const node = await startNode(t, serviceTo(upstream.port))
  const socket = await rawSocket(t, node.port)
  const n = 60
  let all = ''
  for (let i = 0; i < n; i++) all += `GET /p/${i} HTTP/1.1\r\nHost: x\r\n${i === n - 1 ? 'Connection: close\r\n' : ''}\r\n`
  const text = readUntilClosed(socket)
  socket.write(all)
  const received = await text
  const urls = [...received.matchAll(/"url":"(\/p\/\d+)"/g)].map((m) => m[1])
  assert.deepEqual(urls, Array.from({ length: n }, (_, i) => `/p/${i}`))
  assert.equal(most, 1, 'never more than one upstream request for the connection')
})

test('an upstream pool opens at most --upstream-max-connections; a request waits for a free one, and past connect_timeout gets 503', async (t) => {
  const sockets = new Set<Socket>()
  let most = 0
  const release: Array<() => void> = []
  const upstream = await startUpstream(t, (req, res) => {
    sockets.add(req.socket)
    most = Math.max(most, sockets.size)
    req.socket.once('close', () => sockets.delete(req.socket))
    release.push(() => echoHandler(req, res))
  })
  const node = await startNode(t, serviceTo(upstream.port, { connect_timeout: 2000 }), { upstreamMaxConnections: 2 })
  const url = `http://127.0.0.1:${node.port}`
  const calls = [httpCall(`${url}/a`), httpCall(`${url}/b`), httpCall(`${url}/c`)]
  while (release.length < 2) await sleep(10)
  await sleep(100)
  assert.equal(release.length, 2, 'the third request waits in the queue')
  release.shift()!() // frees a connection: the queued request takes it
  while (release.length < 2) await sleep(10)
  release.splice(0).forEach((r) => r())
  const done = await Promise.all(calls)
  assert.deepEqual(done.map((r) => r.status), [200, 200, 200])
  assert.equal(most, 2)

  // Past connect_timeout in the queue: 503 ATRIUM_ERR_PROXY_UPSTREAM_BUSY.
  const busyNode = await startNode(t, serviceTo(upstream.port, { connect_timeout: 300 }), { upstreamMaxConnections: 1 })
  const busyUrl = `http://127.0.0.1:${busyNode.port}`
  const held = httpCall(`${busyUrl}/held`)
  while (release.length < 1) await sleep(10)
  const waited = await httpCall(`${busyUrl}/waits`)
  assert.equal(waited.status, 503)
  assert.equal(JSON.parse(waited.body).code, 'ATRIUM_ERR_PROXY_UPSTREAM_BUSY')
  release.splice(0).forEach((r) => r())
  assert.equal((await held).status, 200)
  await sleep(50)
  assert.equal(release.length, 0, 'the request given up on never reached the upstream')
})

test('an upstream whose chunked body is malformed before any byte reached the client gets 502; after bytes went out, the connection is cut', async (t) => {
  const raw = createNetServer((socket) => {
    socket.once('data', (d: Buffer) => {
      const late = d.toString().startsWith('GET /late')
      socket.end(late
        ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\n'
        : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot a chunk\r\n')
    })
  })
  raw.listen(0, '127.0.0.1')
  await once(raw, 'listening')
  t.after(() => raw.close())
  const node = await startNode(t, serviceTo((raw.address() as AddressInfo).port, { retries: 0 }))
  const res = await httpCall(`http://127.0.0.1:${node.port}/early`)
  assert.equal(res.status, 502)
  assert.equal(JSON.parse(res.body).code, 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE')
  await assert.rejects(httpCall(`http://127.0.0.1:${node.port}/late`), 'the body is cut, not completed')
})

test('the limits are flags of atrium data-plane; a bad value stops it naming the flag', async (t) => {
  const bad = await runAtrium(['data-plane', '--config', 'x.yaml', '--client-body-timeout', 'soon'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /--client-body-timeout: expected a duration/)
  const badCap = await runAtrium(['data-plane', '--config', 'x.yaml', '--upstream-max-connections', '0'])
  assert.equal(badCap.code, 1)
  assert.match(badCap.stderr, /--upstream-max-connections/)

  const upstream = await startUpstream(t, echoHandler)
  const dir = mkdtempSync(join(tmpdir(), 'atrium-limits-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(serviceTo(upstream.port)))
  const node = startAtrium(['data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', '--client-header-timeout', '300ms'])
  t.after(async () => { await node.stop() })
  const listening = await node.waitForLog((l) => l.msg === 'proxy listening')
  const socket = await rawSocket(t, listening.port as number)
  const closed = readUntilClosed(socket)
  socket.write('GET / HTTP/1.1\r\n')
  assert.match(await closed, /^HTTP\/1\.1 408 /)
})

test('max_connections on a service, and on an upstream for its targets, caps that pool below the node\'s limit', async (t) => {
  let active = 0
  let most = 0
  const release: Array<() => void> = []
  const upstream = await startUpstream(t, (req, res) => {
    most = Math.max(most, ++active)
    res.on('finish', () => { active-- })
    release.push(() => echoHandler(req, res))
  })
  for (const doc of [
    serviceTo(upstream.port, { max_connections: 1, connect_timeout: 5000 }),
    {
      _format_version: '3.0',
      upstreams: [{ name: 'capped', max_connections: 1, targets: [{ target: `127.0.0.1:${upstream.port}` }] }],
      services: [{ name: 'svc', host: 'capped', connect_timeout: 5000, routes: [{ paths: ['/'] }] }]
    }
  ]) {
    most = 0
    const node = await startNode(t, doc)
    const url = `http://127.0.0.1:${node.port}`
    const calls = [httpCall(`${url}/a`), httpCall(`${url}/b`)]
    while (release.length < 1) await sleep(10)
    await sleep(100)
    assert.equal(release.length, 1, 'the second request waits for the only connection')
    release.shift()!()
    while (release.length < 1) await sleep(10)
    release.shift()!()
    assert.deepEqual((await Promise.all(calls)).map((r) => r.status), [200, 200])
    assert.equal(most, 1)
  }
  await assert.rejects(startNode(t, serviceTo(upstream.port, { max_connections: 0 })), (err: { fields: Array<{ path: string }> }) =>
    err.fields.some((f) => f.path === 'services[0].max_connections'))
})
