import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { startAtrium, runAtrium, type AtriumProcess } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'

/** An upstream that answers `<name> <method> <url>`, optionally after a delay. */
async function startNamedUpstream (name: string, delayMs = 0): Promise<{ server: Server, port: number }> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      setTimeout(() => res.end(`${name} ${req.method} ${req.url}`), delayMs)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as AddressInfo).port }
}

function tempDir (t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function serviceYaml (port: number, routeName: string, path: string): string {
  return `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:${port}/base
    routes:
      - name: ${routeName}
        paths: ['${path}']
`
}

async function startDataPlane (configFile: string): Promise<{ proc: AtriumProcess, proxy: string, status: string }> {
  const proc = startAtrium(['data-plane', '--config', configFile, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0'])
  const proxyLine = await proc.waitForLog((l) => l.msg === 'proxy listening')
  const statusLine = await proc.waitForLog((l) => l.msg === 'status listening')
  return { proc, proxy: `http://127.0.0.1:${proxyLine.port as number}`, status: `http://127.0.0.1:${statusLine.port as number}` }
}

test('atrium --help lists the commands and exits 0', async () => {
  const r = await runAtrium(['--help'])
  assert.equal(r.code, 0)
  for (const word of ['data-plane', 'config validate', '--proxy-listen', '--status-listen', 'ATRIUM_PROXY_LISTEN']) {
    assert.ok(r.stdout.includes(word), `help mentions ${word}`)
  }
})

test('atrium with an unknown command exits 1 with a usage error', async () => {
  const r = await runAtrium(['fly'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /unknown command "fly"/)
})

test('config validate exits 0 for a valid file and 1 listing every error by path', async (t) => {
  const dir = tempDir(t)
  const good = join(dir, 'good.yaml')
  writeFileSync(good, serviceYaml(9, 'r1', '/a'))
  const ok = await runAtrium(['config', 'validate', good])
  assert.equal(ok.code, 0, ok.stderr)
  assert.match(ok.stdout, /valid \(1 services, 1 routes/)

  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:9
    colour: blue
    routes:
      - name: r1
        paths: ["/ok", "~/(?=lookahead)"]
      - name: r2
        strip_path: true
`)
  const r = await runAtrium(['config', 'validate', bad])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /services\[0\]\.colour: /)
  assert.match(r.stderr, /services\[0\]\.routes\[0\]\.paths\[1\]: invalid regex/)
  assert.match(r.stderr, /services\[0\]\.routes\[1\]/)
})

test('data-plane refuses to start on an invalid file and names the field', async (t) => {
  const dir = tempDir(t)
  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, serviceYaml(9, 'r1', '~/(a)\\1'))
  const r = await runAtrium(['data-plane', '--config', bad, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /services\[0\]\.routes\[0\]\.paths\[0\]: invalid regex/)
})

test('data-plane proxies from the file, reloads on SIGHUP, and keeps the old config when the new one is invalid', async (t) => {
  const a = await startNamedUpstream('A')
  const b = await startNamedUpstream('B')
  t.after(() => { a.server.close(); b.server.close() })
  const dir = tempDir(t)
  const file = join(dir, 'kong.yml')
  writeFileSync(file, serviceYaml(a.port, 'first', '/api'))

  const dp = await startDataPlane(file)
  t.after(() => dp.proc.stop())

  const r1 = await httpCall(`${dp.proxy}/api/users?x=1`)
  assert.equal(r1.status, 200)
  assert.equal(r1.body, 'A GET /base/users?x=1')
  assert.equal((await httpCall(`${dp.proxy}/other`)).status, 404)
  const s1 = JSON.parse((await httpCall(`${dp.status}/status`)).body) as Record<string, unknown>
  assert.equal(s1.services, 1)
  assert.equal(s1.routes, 1)
  assert.match(String(s1.config_hash), /^[0-9a-f]{64}$/)

  // A valid change: new upstream and a new path.
  writeFileSync(file, serviceYaml(b.port, 'second', '/v2'))
  dp.proc.child.kill('SIGHUP')
  await dp.proc.waitForLog((l) => l.msg === 'config reloaded')
  const r2 = await httpCall(`${dp.proxy}/v2/items`)
  assert.equal(r2.body, 'B GET /base/items')
  assert.equal((await httpCall(`${dp.proxy}/api/users`)).status, 404)
  const s2 = JSON.parse((await httpCall(`${dp.status}/status`)).body) as Record<string, unknown>
  assert.notEqual(s2.config_hash, s1.config_hash)

  // An invalid change: rejected whole, the previous config keeps serving, the error is logged.
  writeFileSync(file, serviceYaml(a.port, 'third', '~/(?<=x)y') + '    bogus: 1\n')
  dp.proc.child.kill('SIGHUP')
  const rejected = await dp.proc.waitForLog((l) => l.msg.startsWith('config reload rejected'))
  const paths = (rejected.errors as Array<{ path: string }>).map((e) => e.path)
  assert.ok(paths.includes('services[0].routes[0].paths[0]'), JSON.stringify(paths))
  assert.equal(rejected.level, 50)
  const r3 = await httpCall(`${dp.proxy}/v2/items`)
  assert.equal(r3.body, 'B GET /base/items')
  const s3 = JSON.parse((await httpCall(`${dp.status}/status`)).body) as { config_hash: string, last_reload: { ok: boolean } }
  assert.equal(s3.config_hash, s2.config_hash)
  assert.equal(s3.last_reload.ok, false)
})

test('no in-flight request fails while SIGHUP reloads swap configs under load', async (t) => {
  const up = await startNamedUpstream('U', 20)
  t.after(() => up.server.close())
  const dir = tempDir(t)
  const file = join(dir, 'kong.yml')
  const configs = [serviceYaml(up.port, 'one', '/api'), serviceYaml(up.port, 'two', '/api')]
  writeFileSync(file, configs[0])
  const dp = await startDataPlane(file)
  t.after(() => dp.proc.stop())

  let stop = false
  let reloads = 0
  const reloader = (async () => {
    while (!stop) {
      writeFileSync(file, configs[++reloads % 2])
      dp.proc.child.kill('SIGHUP')
      await new Promise((resolve) => setTimeout(resolve, 15))
    }
  })()
  const statuses: number[] = []
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = 0; i < 25; i++) {
      const r = await httpCall(`${dp.proxy}/api/x`)
      statuses.push(r.status)
      assert.equal(r.body, 'U GET /base/x')
    }
  }))
  stop = true
  await reloader
  assert.equal(statuses.length, 400)
  assert.ok(statuses.every((s) => s === 200))
  assert.ok(reloads >= 5, `reloaded ${reloads} times`)
  assert.ok(dp.proc.logs.filter((l) => l.msg === 'config reloaded').length >= 3)
})
