import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAtrium, startAtrium, type AtriumProcess } from '../../support/cli-process.js'
import { freePort } from '../../support/free-port.js'
import { httpCall } from '../../support/http-client.js'
import { parseExposition, promtoolCheck, samples, value, type Sample } from '../../support/prometheus-text.js'
import { startUpstream } from '../../support/upstream.js'

// GET /metrics of a real `atrium data-plane` process after known traffic: exact counters, histogram
// counts that follow the upstream's delays, no raw path in any label, unmatched requests without
// labels, and `promtool check metrics` on the whole exposition. The latency histograms are in
// seconds by default (atrium_*_latency_seconds); --metrics-latency-unit ms serves Kong's _ms names.

const SLOW_MS = 60

async function startNode (t: TestContext, yaml: string, extra: string[] = [], env: Record<string, string> = {}): Promise<{ proc: AtriumProcess, proxy: string, status: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-metrics-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.yml')
  writeFileSync(file, yaml)
  const proc = startAtrium(['data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', ...extra], env)
  t.after(async () => { await proc.stop() })
  const proxyLine = await proc.waitForLog((l) => l.msg === 'proxy listening')
  const statusLine = await proc.waitForLog((l) => l.msg === 'status listening')
  return { proc, proxy: `http://127.0.0.1:${proxyLine.port as number}`, status: `http://127.0.0.1:${statusLine.port as number}` }
}

/** A declarative file with one service `svc` (upstream on `port`) and one route `r` on /r. */
function oneRoute (port: number): string {
  return `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:${port}
    routes:
      - name: r
        paths: [/r]
`
}

async function scrape (status: string): Promise<{ text: string, all: Sample[], contentType: string }> {
  const res = await httpCall(`${status}/metrics`)
  assert.equal(res.status, 200, res.body)
  return { text: res.body, all: parseExposition(res.body), contentType: String(res.headers['content-type']) }
}

async function repeat (n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i++) await fn(i)
}

test('known traffic gives exactly those counters, histogram counts and bytes in /metrics, with no raw path in any label', async (t) => {
  const startedAt = Date.now()
  const up = await startUpstream(t, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    let body = Buffer.alloc(0)
    req.on('data', (c: Buffer) => { body = Buffer.concat([body, c]) })
    req.on('end', () => {
      const status = Number(url.searchParams.get('status') ?? '200')
      const delay = Number(url.searchParams.get('delay') ?? '0')
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'text/plain' })
        res.end(req.method === 'POST' ? body : 'x'.repeat(100))
      }, delay)
    })
  })
  const dead = await freePort()
  const { status, proxy } = await startNode(t, `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:${up.port}
    routes:
      - name: fast
        paths: [/fast]
      - name: slow
        paths: [/slow]
      - name: term
        paths: [/term]
        plugins:
          - name: request-termination
            config: { status_code: 403, message: stop }
  - name: gone
    url: http://127.0.0.1:${dead}
    retries: 0
    routes:
      - name: dead
        paths: [/dead]
`)
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  const get = async (path: string, init: { method?: string, body?: string } = {}): Promise<number> => (await httpCall(`${proxy}${path}`, { ...init, agent })).status

  await repeat(20, async (i) => assert.equal(await get(`/fast/ok-${i}`), 200))
  await repeat(5, async () => assert.equal(await get('/fast/err?status=503'), 503))
  await repeat(3, async () => assert.equal(await get('/fast/echo', { method: 'POST', body: 'b'.repeat(1000) }), 200))
  await repeat(10, async (i) => assert.equal(await get(`/slow/raw-path-secret-${i}?delay=${SLOW_MS}`), 200))
  await repeat(4, async (i) => assert.equal(await get(`/unmatched-secret-${i}`), 404))
  await repeat(2, async () => assert.equal(await get('/term/x'), 403))
  await repeat(2, async () => assert.equal(await get('/dead/x'), 502))

  const { text, all, contentType } = await scrape(status)
  assert.match(contentType, /^text\/plain; version=0\.0\.4/)

  const svc = (route: string): Record<string, string> => ({ service: 'svc', route })
  assert.equal(value(all, 'atrium_http_requests_total', { ...svc('fast'), code: '200' }), 23)
  assert.equal(value(all, 'atrium_http_requests_total', { ...svc('fast'), code: '503' }), 5)
  assert.equal(value(all, 'atrium_http_requests_total', { ...svc('slow'), code: '200' }), 10)
  assert.equal(value(all, 'atrium_http_requests_total', { ...svc('term'), code: '403' }), 2)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 'gone', route: 'dead', code: '502' }), 2)
  assert.equal(value(all, 'atrium_http_requests_total', { code: '404' }), 4, 'unmatched requests: no service or route label')
  assert.equal(samples(all, 'atrium_http_requests_total').reduce((n, s) => n + s.value, 0), 46)

  // Histograms (seconds, the default): the count of every series is its request count; the slow route's upstream waited ≥ SLOW_MS.
  assert.equal(value(all, 'atrium_request_latency_seconds_count', svc('fast')), 28)
  assert.equal(value(all, 'atrium_request_latency_seconds_count', svc('slow')), 10)
  assert.equal(value(all, 'atrium_request_latency_seconds_bucket', { ...svc('slow'), le: '0.05' }), 0)
  assert.equal(value(all, 'atrium_request_latency_seconds_bucket', { ...svc('slow'), le: '+Inf' }), 10)
  assert.equal(value(all, 'atrium_upstream_latency_seconds_count', svc('slow')), 10)
  assert.equal(value(all, 'atrium_upstream_latency_seconds_bucket', { ...svc('slow'), le: '0.05' }), 0)
  assert.ok(value(all, 'atrium_upstream_latency_seconds_sum', svc('slow')) >= 10 * SLOW_MS / 1000)
  assert.equal(value(all, 'atrium_gateway_latency_seconds_count', svc('slow')), 10)
  assert.ok(value(all, 'atrium_gateway_latency_seconds_sum', svc('slow')) < value(all, 'atrium_upstream_latency_seconds_sum', svc('slow')))
  // No upstream answered: the whole latency is the gateway's, and no upstream series exists.
  assert.equal(value(all, 'atrium_gateway_latency_seconds_count', svc('term')), 2)
  assert.equal(samples(all, 'atrium_upstream_latency_seconds_count', svc('term')).length, 0)
  assert.equal(value(all, 'atrium_request_latency_seconds_count'), 4, 'unmatched latency without labels')
  assert.equal(samples(all, 'atrium_request_latency_ms_count').length, 0, 'no _ms series by default')
  // Buckets are cumulative and end at the count.
  const buckets = samples(all, 'atrium_request_latency_seconds_bucket', svc('fast')).map((s) => s.value)
  assert.deepEqual([...buckets].sort((a, b) => a - b), buckets)
  assert.equal(buckets[buckets.length - 1], 28)

  assert.equal(value(all, 'atrium_request_bytes_total', svc('fast')), 3000)
  assert.equal(value(all, 'atrium_response_bytes_total', svc('fast')), 20 * 100 + 5 * 100 + 3 * 1000)
  assert.equal(value(all, 'atrium_response_bytes_total', svc('slow')), 10 * 100)
  assert.equal(value(all, 'atrium_upstream_errors_total', { service: 'gone', route: 'dead', kind: 'connection' }), 2)

  assert.equal(samples(all, 'atrium_config_info').length, 1)
  assert.equal(samples(all, 'atrium_config_info')[0].value, 1)
  assert.match(samples(all, 'atrium_config_info')[0].labels.hash, /^[0-9a-f]{64}$/)
  assert.equal(value(all, 'atrium_config_loaded'), 1)
  const appliedAt = Math.round(value(all, 'atrium_config_last_apply_timestamp_seconds') * 1000)
  assert.ok(appliedAt >= startedAt && appliedAt <= Date.now(), `applied at ${appliedAt}: after the node was started (${startedAt}), before the scrape`)
  assert.ok(samples(all, 'process_cpu_seconds_total').length === 1, 'Node process metrics')
  assert.equal(samples(all, 'atrium_control_plane_connected').length, 0, 'file mode: no control plane gauge')

  // Bounded labels: only config names and codes, never what the client sent.
  assert.ok(!text.includes('secret'), 'no raw path in the exposition')
  assert.ok(!text.includes('ok-1'))
  const routeLabels = new Set(all.flatMap((s) => s.name.startsWith('atrium_') && s.labels.route !== undefined ? [s.labels.route] : []))
  assert.deepEqual([...routeLabels].sort(), ['dead', 'fast', 'slow', 'term'])
})

test('by default the latency histograms are _seconds, in seconds, and the whole /metrics passes promtool with no lint', async (t) => {
  const up = await startUpstream(t, (req, res) => {
    req.resume()
    const delay = req.url?.includes('slow') === true ? SLOW_MS : 0
    setTimeout(() => res.end('ok'), delay)
  })
  const { status, proxy } = await startNode(t, oneRoute(up.port))
  await repeat(4, async () => assert.equal((await httpCall(`${proxy}/r/slow`)).status, 200))
  assert.equal((await httpCall(`${proxy}/nope`)).status, 404)
  const { text, all } = await scrape(status)
  assert.equal(samples(all, 'atrium_request_latency_ms_count').length, 0, 'no _ms series by default')
  const labels = { service: 'svc', route: 'r' }
  assert.equal(value(all, 'atrium_request_latency_seconds_count', labels), 4)
  assert.equal(value(all, 'atrium_upstream_latency_seconds_count', labels), 4)
  assert.equal(value(all, 'atrium_gateway_latency_seconds_count', labels), 4)
  // The ms bounds divided by 1000, exactly (0.3, not 0.30000000000000004); the slow upstream is over 0.05 s.
  const les = samples(all, 'atrium_request_latency_seconds_bucket', labels).map((s) => s.labels.le)
  assert.deepEqual(les, ['0.0005', '0.001', '0.002', '0.003', '0.005', '0.0075', '0.01', '0.015', '0.02', '0.03', '0.05', '0.075',
    '0.1', '0.15', '0.2', '0.3', '0.5', '0.75', '1', '2', '5', '10', '30', '60', '+Inf'])
  assert.equal(value(all, 'atrium_upstream_latency_seconds_bucket', { ...labels, le: '0.05' }), 0)
  const sum = value(all, 'atrium_upstream_latency_seconds_sum', labels)
  assert.ok(sum >= 4 * SLOW_MS / 1000 && sum < 60, `upstream sum ${sum} s`)
  assert.equal(value(all, 'atrium_request_latency_seconds_count'), 1, 'unmatched latency without labels')
  assert.match(text, /# HELP atrium_request_latency_seconds .*\(seconds\)\./)

  const { code, output } = promtoolCheck(text)
  assert.equal(code, 0, `promtool:\n${output}`)
  assert.equal(output.trim(), '')
})

test('--metrics-latency-unit ms serves Kong\'s _ms names in ms; promtool flags only those three names', async (t) => {
  const up = await startUpstream(t, (req, res) => {
    req.resume()
    const delay = req.url?.includes('slow') === true ? SLOW_MS : 0
    setTimeout(() => res.end('ok'), delay)
  })
  const { status, proxy } = await startNode(t, oneRoute(up.port), ['--metrics-latency-unit', 'ms'])
  await repeat(4, async () => assert.equal((await httpCall(`${proxy}/r/slow`)).status, 200))
  assert.equal((await httpCall(`${proxy}/nope`)).status, 404)
  const { text, all } = await scrape(status)
  const labels = { service: 'svc', route: 'r' }
  assert.equal(samples(all, 'atrium_request_latency_seconds_count').length, 0, 'no _seconds series in ms mode')
  assert.equal(value(all, 'atrium_request_latency_ms_count', labels), 4)
  assert.equal(value(all, 'atrium_upstream_latency_ms_count', labels), 4)
  assert.equal(value(all, 'atrium_gateway_latency_ms_count', labels), 4)
  assert.equal(value(all, 'atrium_upstream_latency_ms_bucket', { ...labels, le: '50' }), 0)
  assert.ok(value(all, 'atrium_upstream_latency_ms_sum', labels) >= 4 * SLOW_MS)
  assert.equal(value(all, 'atrium_request_latency_ms_count'), 1, 'unmatched latency without labels')
  assert.match(text, /# HELP atrium_request_latency_ms .*\(ms\)\./)

  // promtool lints `_ms` as an abbreviated unit (exit 3). Everything else must be clean, and the
  // text must parse (exit 1 would be a parse error).
  const { code, output } = promtoolCheck(text)
  const problems = output.split('\n').filter((l) => l.trim() !== '')
  const allowed = ['atrium_gateway_latency_ms', 'atrium_request_latency_ms', 'atrium_upstream_latency_ms']
    .map((name) => `${name} metric names should not contain abbreviated units`)
  assert.notEqual(code, 1, `promtool could not parse the exposition:\n${output}`)
  assert.deepEqual(problems.filter((p) => !allowed.includes(p.trim())), [], `promtool:\n${output}`)
  assert.ok(code === 0 || code === 3, `promtool exit ${String(code)}:\n${output}`)
  const others = text.split('\n\n').filter((block) => !allowed.some((a) => block.includes(`# TYPE ${a.split(' ')[0]} `))).join('\n\n')
  const strict = promtoolCheck(others.endsWith('\n') ? others : `${others}\n`)
  assert.equal(strict.code, 0, strict.output)
})

test('ATRIUM_METRICS_LATENCY_UNIT=ms also serves the _ms names, and the flag wins over it', async (t) => {
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end('ok') })
  const byEnv = await startNode(t, oneRoute(up.port), [], { ATRIUM_METRICS_LATENCY_UNIT: 'ms' })
  assert.equal((await httpCall(`${byEnv.proxy}/r/a`)).status, 200)
  const envAll = (await scrape(byEnv.status)).all
  assert.equal(value(envAll, 'atrium_request_latency_ms_count', { service: 'svc', route: 'r' }), 1)
  assert.equal(samples(envAll, 'atrium_request_latency_seconds_count').length, 0)

  const byFlag = await startNode(t, oneRoute(up.port), ['--metrics-latency-unit', 'seconds'], { ATRIUM_METRICS_LATENCY_UNIT: 'ms' })
  assert.equal((await httpCall(`${byFlag.proxy}/r/a`)).status, 200)
  const flagAll = (await scrape(byFlag.status)).all
  assert.equal(value(flagAll, 'atrium_request_latency_seconds_count', { service: 'svc', route: 'r' }), 1)
  assert.equal(samples(flagAll, 'atrium_request_latency_ms_count').length, 0)
})

test('--metrics-latency-unit refuses anything but ms or seconds', async () => {
  const r = await runAtrium(['data-plane', '--config', '/nonexistent.yml', '--metrics-latency-unit', 'us'])
  assert.equal(r.code, 1, r.stderr)
  assert.match(r.stderr, /--metrics-latency-unit must be ms or seconds \(got "us"\)/)
})

test('--metrics off records nothing and answers 404 on /metrics', async (t) => {
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end('ok') })
  const { status, proxy } = await startNode(t, oneRoute(up.port), ['--metrics', 'off'])
  assert.equal((await httpCall(`${proxy}/r/a`)).status, 200)
  const res = await httpCall(`${status}/metrics`)
  assert.equal(res.status, 404)
  assert.match(res.body, /metrics are off/)
  assert.equal((await httpCall(`${status}/status`)).status, 200)
})
