import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runAtrium } from '../../support/cli-process.js'

// Mistakes on the command line: exit 1 and exactly one line on stderr that names the flag and
// points to the command's --help; never a Node stack trace (ERR_PARSE_ARGS_* … at checkOptionUsage).

function oneLine (stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '')
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`)
  assert.ok(!/^\s+at /m.test(stderr), `no stack trace:\n${stderr}`)
  return lines[0]
}

test('an unknown option exits 1 with one line naming it and the command, for every command', async () => {
  const cases: Array<[string[], string]> = [
    [['data-plane', '--foo'], 'atrium data-plane'],
    [['control-plane', '--foo=1'], 'atrium control-plane'],
    [['start', '--foo', 'x'], 'atrium start'],
    [['config', 'dump', '--runtime-group', 'g', '--foo'], 'atrium config dump'],
    [['config', 'validate', 'x.yaml', '--foo'], 'atrium config validate']
  ]
  for (const [args, command] of cases) {
    const r = await runAtrium(args)
    assert.equal(r.code, 1, args.join(' '))
    const flag = args.find((a) => a.startsWith('--foo'))?.replace(/=.*/, '')
    assert.equal(oneLine(r.stderr), `error: unknown option ${flag as string} for "${command}"; see ${command} --help`)
  }
})

test('a short option the command does not know is named as written', async () => {
  const r = await runAtrium(['data-plane', '-x'])
  assert.equal(r.code, 1)
  assert.match(oneLine(r.stderr), /^error: unknown option -x for "atrium data-plane"/)
})

test('a missing value, an option-like value and a stray argument are one line each', async () => {
  const missing = await runAtrium(['data-plane', '--config'])
  assert.equal(missing.code, 1)
  assert.equal(oneLine(missing.stderr), 'error: --config needs a value; see atrium data-plane --help')

  const optionLike = await runAtrium(['data-plane', '--token', '--config', 'x.yaml'])
  assert.equal(optionLike.code, 1)
  assert.match(oneLine(optionLike.stderr), /^error: --token needs a value \(got the option-like "--config"; write --token=--config/)

  const stray = await runAtrium(['control-plane', 'now'])
  assert.equal(stray.code, 1)
  assert.equal(oneLine(stray.stderr), 'error: unexpected argument "now" for "atrium control-plane"; see atrium control-plane --help')

  const noFile = await runAtrium(['config', 'apply', '--runtime-group', 'g'])
  assert.equal(noFile.code, 1)
  assert.match(oneLine(noFile.stderr), /"atrium config apply" needs FILE/)
})

test('a bad value exits 1 with one line naming the flag, or the variable it came from', async () => {
  const flag = await runAtrium(['data-plane', '--config', 'x.yaml', '--proxy-listen', 'nowhere'])
  assert.equal(flag.code, 1)
  assert.equal(oneLine(flag.stderr), 'error: --proxy-listen: expected HOST:PORT, got "nowhere"; see atrium data-plane --help')

  const env = await runAtrium(['data-plane', '--config', 'x.yaml'], { ATRIUM_STATUS_LISTEN: 'nowhere' })
  assert.equal(env.code, 1)
  assert.match(oneLine(env.stderr), /^error: ATRIUM_STATUS_LISTEN \(--status-listen\): expected HOST:PORT, got "nowhere"/)

  const retention = await runAtrium(['control-plane', '--db', 'sqlite::memory:', '--admin-listen', '127.0.0.1:0', '--analytics-hour-retention', 'soon'])
  assert.equal(retention.code, 1)
  assert.match(oneLine(retention.stderr), /^error: --analytics-hour-retention: expected a duration/)

  const format = await runAtrium(['config', 'dump', '--runtime-group', 'g', '--format', 'xml'])
  assert.equal(format.code, 1)
  assert.match(oneLine(format.stderr), /^error: --format must be yaml or json \(got "xml"\)/)
})

test('start takes the retention settings from the environment only, as before', async () => {
  const r = await runAtrium(['start', '--analytics-minute-retention', '3h'])
  assert.equal(r.code, 1)
  assert.match(oneLine(r.stderr), /^error: unknown option --analytics-minute-retention for "atrium start"/)
})

test('an unexpected start-up failure is one line without a stack', async () => {
  const r = await runAtrium(['control-plane', '--db', 'sqlite::memory:', '--admin-listen', '127.0.0.1:0', '--admin-token-file', '/nonexistent/atrium-tokens'])
  assert.equal(r.code, 1)
  assert.match(oneLine(r.stderr), /^error: .*ENOENT.*\/nonexistent\/atrium-tokens/)
})
