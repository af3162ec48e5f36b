import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { TargetResolver } from '../../../src/data-plane/balancer/target-resolver.js'
import { startDnsServer } from '../../support/dns-server.js'

// The node's resolver of target names against a DNS server the test controls (UDP on 127.0.0.1)
// and a hosts file of its own: which records it takes, what it keeps, when it asks again.

function hostsFile (t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-hosts-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'hosts')
  writeFileSync(file, text)
  return file
}

test('A records first, AAAA only for a name without A, the hosts file before either; addresses sorted; nothing asked twice while fresh', async (t) => {
  const dns = await startDnsServer(t)
  dns.set('both.test', { a: ['10.0.0.9', '10.0.0.1'], aaaa: ['fd00::1'], ttl: 300 })
  dns.set('six.test', { aaaa: ['fd00::2', 'fd00::1'], ttl: 300 })
  dns.set('local.test', { a: ['10.9.9.9'], ttl: 300 })
  const resolver = new TargetResolver({ servers: [dns.address], hostsFile: hostsFile(t, '# comment\n127.0.0.5  local.test  other.test\n::5 local.test\n::6 v6only.test\n') })
  t.after(() => resolver.close())
  await resolver.prime(['both.test', 'six.test', 'local.test', 'v6only.test', 'nowhere.test'])
  assert.deepEqual(resolver.cached('both.test'), { addresses: ['10.0.0.1', '10.0.0.9'], error: null })
  assert.deepEqual(resolver.cached('six.test'), { addresses: ['fd00::1', 'fd00::2'], error: null })
  assert.deepEqual(resolver.cached('local.test'), { addresses: ['127.0.0.5'], error: null }, 'the hosts file wins, its IPv4 entries first')
  assert.deepEqual(resolver.cached('v6only.test'), { addresses: ['::6'], error: null })
  assert.deepEqual(resolver.cached('nowhere.test')?.addresses, [])
  assert.match(resolver.cached('nowhere.test')?.error ?? '', /nowhere\.test: name not found/)
  assert.equal(dns.queries('both.test', 'AAAA'), 0)
  assert.equal(dns.queries('local.test'), 0, 'a name in the hosts file is not asked')
  const asked = dns.queries('both.test')
  await resolver.prime(['both.test'])
  assert.equal(dns.queries('both.test'), asked, 'a fresh answer is not asked again')
  assert.equal(resolver.cached('unknown.test'), undefined, 'cached() never queries')
})

test('a watched name is renewed at its TTL; watchers hear only of changed addresses; an unwatched name is not renewed', async (t) => {
  const dns = await startDnsServer(t)
  dns.set('w.test', { a: ['10.0.0.1'], ttl: 1 })
  dns.set('idle.test', { a: ['10.0.0.1'], ttl: 1 })
  const resolver = new TargetResolver({ servers: [dns.address], hostsFile: '/nonexistent' })
  t.after(() => resolver.close())
  await resolver.prime(['w.test', 'idle.test'])
  let changes = 0
  const unwatch = resolver.watch('w.test', () => { changes++ })
  const asked = dns.queries('w.test', 'A')
  while (dns.queries('w.test', 'A') < asked + 1) await sleep(50)
  assert.equal(changes, 0, 'the same answer again is no change')
  dns.set('w.test', { a: ['10.0.0.2'], ttl: 1 })
  while (changes === 0) await sleep(50)
  assert.deepEqual(resolver.cached('w.test')?.addresses, ['10.0.0.2'])
  unwatch()
  const after = dns.queries('w.test', 'A')
  await sleep(2500)
  assert.equal(dns.queries('w.test', 'A'), after, 'nobody watches it: not renewed')
  assert.equal(dns.queries('idle.test', 'A'), 1, 'a name nobody watched was asked once')
})

test('a failing resolver keeps the last answer and is asked again a second later; without one there are no addresses and the error says why', async (t) => {
  const dns = await startDnsServer(t)
  dns.set('f.test', { a: ['10.0.0.1'], ttl: 1 })
  dns.set('never.test', 'servfail')
  const resolver = new TargetResolver({ servers: [dns.address], hostsFile: '/nonexistent' })
  t.after(() => resolver.close())
  await resolver.prime(['f.test', 'never.test'])
  resolver.watch('f.test', () => {})
  dns.set('f.test', 'servfail')
  const asked = dns.queries('f.test', 'A')
  while (dns.queries('f.test', 'A') < asked + 2) await sleep(50)
  await sleep(100)
  const answer = resolver.cached('f.test')
  assert.deepEqual(answer?.addresses, ['10.0.0.1'])
  assert.match(answer?.error ?? '', /ESERVFAIL/)
  assert.deepEqual(resolver.cached('never.test')?.addresses, [])
  assert.match(resolver.cached('never.test')?.error ?? '', /never\.test: ESERVFAIL/)
})
