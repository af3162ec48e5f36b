import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { COMMANDS } from '../../../src/cli/commands.js'
import { DEFAULT_PROXY_LISTEN, DEFAULT_STATUS_LISTEN } from '../../../src/defaults.js'
import { parseListenAddress } from '../../../src/listen-address.js'
import { OPTION_LIST, appliesTo } from '../../../src/cli/options.js'
import { runAtrium, startAtrium } from '../../support/cli-process.js'

// Where a value comes from (flag, else environment variable, else default) and that --help shows
// every option of the table (src/cli/options.ts), through the real binary.

function emptyConfig (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-options-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.yml')
  writeFileSync(file, '_format_version: "3.0"\nservices: []\n')
  return file
}

test('a flag wins over its environment variable', async (t) => {
  const file = emptyConfig(t)
  // The variable is not even looked at: its bad value would stop the command.
  const proc = startAtrium(['data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0'],
    { ATRIUM_PROXY_LISTEN: 'not-an-address', ATRIUM_STATUS_LISTEN: 'not-an-address' })
  t.after(async () => { await proc.stop() })
  const line = await proc.waitForLog((l) => l.msg === 'proxy listening')
  assert.equal(line.address, '127.0.0.1')
})

test('an environment variable wins over the default', async (t) => {
  const file = emptyConfig(t)
  const proc = startAtrium(['data-plane', '--config', file], { ATRIUM_PROXY_LISTEN: '127.0.0.1:0', ATRIUM_STATUS_LISTEN: '127.0.0.1:0' })
  t.after(async () => { await proc.stop() })
  const proxy = await proc.waitForLog((l) => l.msg === 'proxy listening')
  const status = await proc.waitForLog((l) => l.msg === 'status listening')
  const defaults = { proxy: parseListenAddress(DEFAULT_PROXY_LISTEN, 'proxy'), status: parseListenAddress(DEFAULT_STATUS_LISTEN, 'status') }
  assert.notEqual(defaults.proxy.host, '127.0.0.1', 'the proxy default is another host, so the address tells')
  assert.equal(proxy.address, '127.0.0.1')
  assert.notEqual(proxy.port, defaults.proxy.port)
  assert.notEqual(status.port, defaults.status.port)
})

test('the flag beats the variable for a value that is not an address too', async () => {
  const r = await runAtrium(['data-plane', '--config', 'x.yaml', '--metrics-latency-unit', 'minutes'], { ATRIUM_METRICS_LATENCY_UNIT: 'ms' })
  assert.equal(r.code, 1)
  assert.match(r.stderr, /--metrics-latency-unit must be ms or seconds \(got "minutes"\)/)
  const env = await runAtrium(['data-plane', '--config', 'x.yaml'], { ATRIUM_METRICS_LATENCY_UNIT: 'minutes' })
  assert.equal(env.code, 1)
  assert.match(env.stderr, /ATRIUM_METRICS_LATENCY_UNIT \(--metrics-latency-unit\) must be ms or seconds \(got "minutes"\)/)
})

test('atrium --help lists every flag and variable of the options table, with its default', async () => {
  const r = await runAtrium(['--help'])
  assert.equal(r.code, 0)
  const visible = OPTION_LIST.filter((o) => o.hidden !== true)
  assert.ok(visible.length >= 25, `${visible.length} options`)
  for (const o of visible) {
    if (o.flag !== undefined) assert.ok(r.stdout.includes(`--${o.flag} ${o.value}`), `help shows --${o.flag}`)
    if (o.env !== undefined) assert.ok(r.stdout.includes(o.env), `help shows ${o.env}`)
    const shown = o.defaultNote ?? o.default
    if (shown !== undefined) assert.ok(r.stdout.includes(shown), `help shows the default of ${o.flag ?? o.env ?? ''}: ${shown}`)
  }
  for (const c of COMMANDS) assert.ok(r.stdout.includes(`atrium ${c.usage[0]}`), `help shows atrium ${c.name}`)
  assert.ok(!r.stdout.includes('ATRIUM_ANALYTICS_INTERVAL_MS'), 'test-only settings stay out of the help')
})

test('COMMAND --help lists exactly the options of that command', async () => {
  for (const c of COMMANDS) {
    const r = await runAtrium([...c.name.split(' '), '--help'])
    assert.equal(r.code, 0, c.name)
    for (const o of OPTION_LIST.filter((x) => x.hidden !== true)) {
      // Two entries share --config and --runtime-group: the help's first words tell them apart.
      const mention = o.flag !== undefined && o.commands.includes(c.name) ? `--${o.flag} ${o.value}` : `${o.env ?? ''}=${o.value}`
      const words = o.help.split(' ').slice(0, 4).join(' ')
      assert.equal(r.stdout.includes(mention) && r.stdout.includes(words), appliesTo(o, c.name), `atrium ${c.name} --help and ${mention}`)
    }
  }
})

test('npx atrium --help works from the repository (package.json bin)', async () => {
  const { spawnSync } = await import('node:child_process')
  const r = spawnSync('npx', ['--no-install', 'atrium', '--help'], { encoding: 'utf8', cwd: process.cwd() })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /^atrium \d+\.\d+\.\d+: /)
})
