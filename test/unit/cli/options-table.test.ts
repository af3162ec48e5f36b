import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMAND_NAMES } from '../../../src/cli/commands.js'
import { EXAMPLE_CONFIG, OPTION_LIST, takesFlag } from '../../../src/cli/options.js'
import { DEFAULT_DEMO_LISTEN } from '../../../src/defaults.js'

test('a command takes each flag at most once, and each variable means one thing', () => {
  for (const command of COMMAND_NAMES) {
    const flags = OPTION_LIST.filter((o) => takesFlag(o, command)).map((o) => o.flag)
    assert.deepEqual(flags, [...new Set(flags)], command)
  }
  const byEnv = new Map<string, string | undefined>()
  for (const o of OPTION_LIST) {
    if (o.env === undefined) continue
    if (byEnv.has(o.env)) assert.equal(byEnv.get(o.env), o.flag, `${o.env} is the variable of one flag only`)
    byEnv.set(o.env, o.flag)
    assert.match(o.env, /^ATRIUM_[A-Z_]+$/)
  }
})

test('every default is accepted by its own parser, and every entry says what it is for', () => {
  for (const o of OPTION_LIST) {
    assert.ok(o.flag !== undefined || o.env !== undefined, 'a flag or a variable')
    assert.ok(o.commands.length > 0, `${o.flag ?? o.env ?? ''} applies to a command`)
    assert.ok(o.help.endsWith('.'), `${o.flag ?? o.env ?? ''}: help is a sentence`)
    if (o.default !== undefined) assert.doesNotThrow(() => o.parse(o.default as string, 'default'), `${o.flag ?? o.env ?? ''}`)
  }
})

test('each listener is set by exactly one listen option', () => {
  for (const listener of ['proxy', 'status', 'admin', 'cluster', 'portal', 'demo']) {
    assert.equal(OPTION_LIST.filter((o) => o.listener === listener).length, 1, listener)
  }
})

test('config/example.yaml, the seed of atrium start, proxies to the demo upstream\'s default address', () => {
  assert.match(readFileSync(EXAMPLE_CONFIG, 'utf8'), new RegExp(`url: http://${DEFAULT_DEMO_LISTEN.replaceAll('.', '\\.')}/`))
})
