import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect as h2connect } from 'node:http2'
import { request as httpsRequest } from 'node:https'
import { httpCall } from '../../support/http-client.js'
import { selfSigned } from '../../support/tls-cert.js'
import { startTlsNode } from '../../support/tls-node.js'
import { startUpstream } from '../../support/upstream.js'

// Route snis through a real node's TLS listener, as Kong 3.9's traditional_compatible router
// matches them (kong/router/transform.lua: `net.protocol != "https" || tls.sni == …`): over TLS the
// client's server name picks between routes with the same path (HTTP/1.1 and HTTP/2 alike); a
// server name no route lists, or none at all, finds no route; plain HTTP ignores snis, so an
// https-only route with snis answers Kong's 426 there.

const certificate = selfSigned(['a.example.test', 'b.example.test'])

async function named (t: TestContext, name: string): Promise<number> {
  return (await startUpstream(t, (_req, res) => { res.end(name) })).port
}

async function startNode (t: TestContext): Promise<{ tlsPort: number, plainUrl: string }> {
  const [a, b] = [await named(t, 'service-a'), await named(t, 'service-b')]
  return await startTlsNode(t, {
    _format_version: '3.0',
    services: [
      { name: 'a', url: `http://127.0.0.1:${a}`, routes: [{ name: 'a', paths: ['/api'], snis: ['a.example.test'] }, { name: 'secure', paths: ['/secure'], protocols: ['https'], snis: ['A.Example.Test'] }] },
      { name: 'b', url: `http://127.0.0.1:${b}`, routes: [{ name: 'b', paths: ['/api'], snis: ['*.example.test'] }] }
    ]
  }, { certificate })
}

async function overTls (port: number, path: string, servername: string | undefined): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername, rejectUnauthorized: false, agent: false }, (res) => {
      let body = ''
      res.on('data', (c) => { body += String(c) })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function overH2 (t: TestContext, port: number, path: string, servername: string): Promise<{ status: number, body: string }> {
  const session = h2connect(`https://127.0.0.1:${port}`, { servername, rejectUnauthorized: false })
  t.after(() => session.close())
  return await new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path })
    let status = 0
    let body = ''
    stream.on('response', (headers) => { status = Number(headers[':status']) })
    stream.on('data', (c) => { body += String(c) })
    stream.on('end', () => resolve({ status, body }))
    stream.on('error', reject)
    stream.end()
  })
}

test('over HTTP/1.1 TLS the server name the client sends picks between two routes with the same path', async (t) => {
  const node = await startNode(t)
  assert.deepEqual(await overTls(node.tlsPort, '/api', 'a.example.test'), { status: 200, body: 'service-a' },
    'both routes hold the name and rank equal (Kong ranks no kind of SNI above another): the one declared first')
  assert.deepEqual(await overTls(node.tlsPort, '/api', 'other.example.test'), { status: 200, body: 'service-b' }, '*.example.test')
  assert.deepEqual(await overTls(node.tlsPort, '/api/x', 'b.example.test'), { status: 200, body: 'service-b' })
  assert.deepEqual(await overTls(node.tlsPort, '/secure', 'a.example.test'), { status: 200, body: 'service-a' }, 'route snis are compared lower-case')
})

test('over TLS a server name no route lists, or none, gets Kong\'s 404', async (t) => {
  const node = await startNode(t)
  for (const servername of ['c.other.test', undefined]) {
    const reply = await overTls(node.tlsPort, '/api', servername)
    assert.equal(reply.status, 404, `SNI ${servername ?? '(none)'}`)
    assert.equal(JSON.parse(reply.body).message, 'no Route matched with those values')
  }
})

test('HTTP/2 routes by the server name the same way', async (t) => {
  const node = await startNode(t)
  assert.deepEqual(await overH2(t, node.tlsPort, '/api', 'a.example.test'), { status: 200, body: 'service-a' })
  assert.deepEqual(await overH2(t, node.tlsPort, '/api', 'b.example.test'), { status: 200, body: 'service-b' })
  assert.equal((await overH2(t, node.tlsPort, '/api', 'c.other.test')).status, 404)
})

test('plain HTTP ignores route snis as Kong does: the https-only route answers 426, the others match by path', async (t) => {
  const node = await startNode(t)
  const refused = await httpCall(`${node.plainUrl}/secure`)
  assert.equal(refused.status, 426)
  assert.equal(JSON.parse(refused.body).message, 'Please use HTTPS protocol')
  const served = await httpCall(`${node.plainUrl}/api`)
  assert.deepEqual([served.status, served.body], [200, 'service-a'], 'equal priority: the route declared first')
})
