import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createUiHandler } from '../../../../src/control-plane/ui/ui-static.js'
import { httpCall } from '../../../support/http-client.js'

// The Service Hub UI's static files: only what ui-dist held at start is served, under /ui; any
// other path is left to the Admin API (and its auth).

async function serve (t: import('node:test').TestContext, dir: string | null): Promise<string> {
  const ui = createUiHandler(dir)
  const server = createServer((req, res) => {
    if (ui(req, res)) return
    res.writeHead(401).end('admin api')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { server.close(); server.closeAllConnections() })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

test('serves index.html and assets under /ui with security headers, and leaves other paths to the Admin API', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-ui-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>hub</title>')
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'no')
  const base = await serve(t, dir + '/')

  const index = await httpCall(`${base}/ui/`)
  assert.equal(index.status, 200)
  assert.match(String(index.headers['content-type']), /^text\/html/)
  assert.match(String(index.headers['content-security-policy']), /default-src 'none'; script-src 'self'/)
  assert.equal(index.headers['x-content-type-options'], 'nosniff')
  assert.equal(index.headers['cache-control'], 'no-cache')
  const js = await httpCall(`${base}/ui/assets/app-1.js?v=1`)
  assert.equal(js.status, 200)
  assert.match(String(js.headers['content-type']), /^text\/javascript/)
  assert.match(String(js.headers['cache-control']), /immutable/)

  const redirect = await httpCall(`${base}/ui`)
  assert.equal(redirect.status, 301)
  assert.equal(redirect.headers.location, '/ui/')
  for (const path of ['/ui/secret.txt', '/ui/assets/../secret.txt', '/ui/assets/%2e%2e/secret.txt', '/ui/index.html', '/ui/assets/nope.js']) {
    assert.equal((await httpCall(base + path)).status, 404, path)
  }
  assert.equal((await httpCall(`${base}/ui/`, { method: 'POST' })).status, 405)
  const root = await httpCall(`${base}/`)
  assert.equal(root.status, 302, 'the admin listener\'s / leads browsers to the UI')
  assert.equal(root.headers.location, '/ui/')
  assert.equal((await httpCall(`${base}/`, { method: 'POST' })).body, 'admin api', 'another method on / is the Admin API\'s')
  for (const path of ['/uix', '/service-packages', '/ui-dist/index.html']) {
    const r = await httpCall(base + path)
    assert.equal(r.status, 401, path)
    assert.equal(r.body, 'admin api')
  }
})

test('answers 404 with how to build it when ui-dist is missing', async (t) => {
  const base = await serve(t, null)
  const r = await httpCall(`${base}/ui/`)
  assert.equal(r.status, 404)
  assert.match(r.body, /npm run build:ui/)
})

test('the committed ui-dist is complete: every asset index.html references exists', () => {
  const dist = fileURLToPath(new URL('../../../../../ui-dist/', import.meta.url))
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const refs = [...html.matchAll(/(?:src|href)="\/ui\/(assets\/[^"]+)"/g)].map((m) => m[1])
  assert.ok(refs.some((r) => r.endsWith('.js')) && refs.some((r) => r.endsWith('.css')), html)
  for (const r of refs) assert.ok(existsSync(join(dist, r)), `${r} is missing: npm run build:ui`)
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'no inline script (the CSP allows none)')
})
