import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'
import { createTestStore } from '../../support/stores.js'

// `atrium promote PACKAGE VERSION --from G --to G [--dry-run] [--overrides FILE]` against a control
// plane process: the dry run prints the target's diff and changes nothing; the promotion applies it
// with a YAML overrides file; errors print as `path: message` lines with exit 1.

test('atrium promote: dry run, promotion with an overrides file, and a refused promotion', async (t) => {
  const store = await createTestStore('sqlite')
  const cp = startAtrium(['control-plane', '--db', store.url, '--admin-listen', '127.0.0.1:0'])
  const dir = mkdtempSync(join(tmpdir(), 'atrium-promote-cli-'))
  t.after(async () => { await cp.stop(); rmSync(dir, { recursive: true, force: true }); await store.drop() })
  const adminUrl = `http://127.0.0.1:${String((await cp.waitForLog((l) => l.msg === 'admin listening')).port)}`
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const r = await httpCall(adminUrl + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`)
    return r.body === '' ? undefined : JSON.parse(r.body)
  }
  for (const name of ['development', 'staging']) await call('POST', '/runtime-groups', { name })
  await call('POST', '/service-packages', { name: 'Payments' })
  await call('POST', '/service-packages/payments/versions', { version: 'v2', runtime_group: 'development', status: 'published' })
  const { service } = await call('PUT', '/service-packages/payments/versions/v2/implementation', { service: { name: 'payments-v2', url: 'http://payments.dev.internal' } })
  await call('POST', `/runtime-groups/development/services/${service.id as string}/routes`, { name: 'pay', paths: ['/pay'] })
  const common = ['--from', 'development', '--to', 'staging', '--admin-url', adminUrl]

  const dry = await runAtrium(['promote', 'Payments', 'v2', ...common, '--dry-run'])
  assert.equal(dry.code, 0, dry.stderr)
  assert.match(dry.stdout, /^\+ service payments-v2 \(/m)
  assert.match(dry.stdout, /^\+ route pay \(/m)
  assert.match(dry.stdout, /^2 to create, 0 to update, 0 to delete$/m)
  assert.match(dry.stdout, /^dry run: Payments v2 not promoted from development to staging$/m)
  assert.equal((await call('GET', '/runtime-groups/staging')).config_version, 0)

  const overrides = join(dir, 'staging.yaml')
  writeFileSync(overrides, 'service:\n  url: http://payments.staging.internal:8080\n')
  const done = await runAtrium(['promote', 'Payments', 'v2', ...common, '--overrides', overrides])
  assert.equal(done.code, 0, done.stderr)
  assert.match(done.stdout, /^promoted Payments v2 from development to staging: version [0-9a-f-]{36} \(published\), config version 1$/m)
  const doc = await call('GET', '/runtime-groups/staging/config')
  assert.equal(doc.services[0].host, 'payments.staging.internal')
  assert.equal(doc.services[0].port, 8080)

  const again = await runAtrium(['promote', 'Payments', 'v2', ...common])
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /^0 to create, 0 to update, 0 to delete$/m)
  assert.match(again.stdout, /config version 1$/m, 'remembered overrides: nothing changed')

  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, 'routes:\n  nope:\n    hosts: [a.example.com]\n')
  const refused = await runAtrium(['promote', 'Payments', 'v2', ...common, '--overrides', bad])
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /^overrides\.routes\.nope: the version's implementation has no route with this name$/m)
  const usage = await runAtrium(['promote', 'Payments', '--from', 'development', '--to', 'staging'])
  assert.equal(usage.code, 1)
  assert.match(usage.stderr, /needs VERSION/)
})
