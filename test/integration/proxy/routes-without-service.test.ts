// Routes without a service (Kong 3.9, kong/init.lua access phase): the route's and global plugins
// run access, and then, with nothing to proxy to, Kong answers 503 "no Service found with those
// values" through the response and log phases like any other answer.

import assert from 'node:assert/strict'
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { httpCall } from '../../support/http-client.js'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { parseExposition, value } from '../../support/prometheus-text.js'
import { rawHttp } from '../../support/raw-http.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { runAtrium } from '../../support/cli-process.js'
import { expectStatus, groupWithConfig, servedBy, startControlPlaneProcess, startNodeProcess, waitUntil } from '../hybrid/hybrid-kit.js'

const NO_SERVICE = { message: 'no Service found with those values', code: 'ATRIUM_ERR_PROXY_NO_SERVICE' }

function tempDir (t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-no-service-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('a route without a service runs its plugins, then answers 503 through the response and log phases', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const dir = tempDir(t)
  const logFile = join(dir, 'requests.log')
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'svc', url: `http://127.0.0.1:${up.port}`, routes: [{ name: 'with-service', paths: ['/with'] }] }],
    routes: [
      { name: 'bare', paths: ['/bare'], plugins: [{ name: 'file-log', config: { path: logFile } }] },
      { name: 'terminated', paths: ['/term'], plugins: [{ name: 'request-termination', config: { status_code: 418, message: 'teapot' } }] },
      { name: 'keyed', paths: ['/keyed'], plugins: [{ name: 'key-auth' }] },
      { name: 'plain', paths: ['/plain'] }
    ],
    consumers: [{ username: 'alice', keyauth_credentials: [{ key: 'alice-key' }] }],
    plugins: [{ name: 'response-transformer', config: { add: { headers: ['x-global:seen'] } } }]
  })

  // No plugin of its own: the global one still runs its response phase on the 503.
  const plain = await node.get('/plain')
  assert.equal(plain.status, 503)
  assert.deepEqual(JSON.parse(plain.body), NO_SERVICE)
  assert.equal(plain.headers['x-global'], 'seen')

  // A plugin that answers in access decides the response: the missing service never matters.
  const term = await node.get('/term')
  assert.equal(term.status, 418)
  assert.deepEqual(JSON.parse(term.body), { message: 'teapot' })

  // Authentication runs first: 401 without a key, 503 once the consumer is identified.
  assert.equal((await node.get('/keyed')).status, 401)
  const keyed = await node.get('/keyed', { apikey: 'alice-key' })
  assert.equal(keyed.status, 503)
  assert.deepEqual(JSON.parse(keyed.body), NO_SERVICE)

  // The route with a service is unaffected, and nothing else reached the upstream.
  assert.equal((await node.get('/with')).status, 200)
  const bare = await node.request('/bare', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'payload' })
  assert.equal(bare.status, 503)
  assert.equal(up.requests, 1)

  // Kong's log entry for it: the route's service is null and there is no "service".
  await waitUntil('the file-log entry is written', () => readFileSync(logFile, 'utf8').trim() !== '')
  const entry = JSON.parse(readFileSync(logFile, 'utf8').trim().split('\n')[0]) as Record<string, any>
  assert.equal(entry.route.name, 'bare')
  assert.equal(entry.route.service, null)
  assert.equal('service' in entry, false)
  assert.equal(entry.response.status, 503)

  // Metrics: the route's series have no service label.
  const metrics = await httpCall(`http://127.0.0.1:${node.dp.statusAddress.port}/metrics`)
  const all = parseExposition(metrics.body)
  assert.equal(value(all, 'atrium_http_requests_total', { route: 'plain', code: '503' }), 1)
  assert.equal(value(all, 'atrium_http_requests_total', { route: 'keyed', code: '401' }), 1)
  assert.equal(value(all, 'atrium_http_requests_total', { route: 'keyed', code: '503' }), 1)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 'svc', route: 'with-service', code: '200' }), 1)
})

test('a request body sent to a route without a service is not read: the 503 closes the connection', async (t) => {
  const node = await startPluginNode(t, { _format_version: '3.0', routes: [{ name: 'bare', paths: ['/'] }] })
  const port = Number(new URL(node.url).port)
  // The body is announced and only partly sent: the answer cannot wait for it, and the connection
  // cannot carry another request.
  const res = await rawHttp(port, 'POST /upload HTTP/1.1\r\nHost: x.test\r\nContent-Length: 100\r\n\r\nhalf')
  assert.equal(res.status, 503)
  assert.match(res.head, /\r\nconnection: close/i)
  assert.deepEqual(JSON.parse(res.body), NO_SERVICE)
})

test('config validate accepts a top-level route without a service; a service reference still must resolve', async (t) => {
  const dir = tempDir(t)
  const ok = join(dir, 'ok.yaml')
  writeFileSync(ok, '_format_version: "3.0"\nroutes:\n  - name: lonely\n    paths: [/x]\n    service: null\n  - name: also\n    paths: [/y]\n')
  const accepted = await runAtrium(['config', 'validate', ok])
  assert.equal(accepted.code, 0, accepted.stderr)
  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, '_format_version: "3.0"\nroutes:\n  - name: lost\n    paths: [/x]\n    service: missing\n')
  const rejected = await runAtrium(['config', 'validate', bad])
  assert.equal(rejected.code, 1)
  assert.match(rejected.stderr, /routes\[0\]\.service.*no service named "missing"/)
})

test('a route without a service made on the control plane reaches a node by sync, and a delta attaches a service', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const dir = tempDir(t)
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [token] = await groupWithConfig(cp.call, 'prod', { _format_version: '3.0', services: [{ name: 'svc', url: `http://127.0.0.1:${up.port}` }] })
  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/prod/routes', { name: 'later', paths: ['/later'] })
  const node = await startNodeProcess(t, cp.url, token.token, join(dir, 'cache'))
  // Both "no config yet" and "no service" are 503s: wait for the latter's body.
  await servedBy(node, '/later', 503, JSON.stringify(NO_SERVICE))
  await expectStatus(cp.call, 200, 'PATCH', '/runtime-groups/prod/routes/later', { service: { name: 'svc' } })
  await servedBy(node, '/later', 200)
  await expectStatus(cp.call, 200, 'PATCH', '/runtime-groups/prod/routes/later', { service: null })
  await servedBy(node, '/later', 503, JSON.stringify(NO_SERVICE))
  const reached = up.requests
  assert.equal((await node.get('/later')).status, 503)
  assert.equal(up.requests, reached)
})
