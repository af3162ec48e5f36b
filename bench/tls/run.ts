// TLS, HTTP/2 and WebSocket benchmark: Atrium next to nginx configured the same way, same run.
//   HTTPS (wrk, keep-alive, TLS 1.3, 50 connections):  (a) nginx  (b) Atrium's TLS listener
//   HTTP/2 (h2load, 10 connections × 10 streams):        (c) nginx  (d) Atrium
//   WebSocket echo (64-byte ping-pong, 50 connections):  (e) upstream direct  (f) nginx  (g) Atrium
// Upstreams are HTTP/1.1 (as Kong's): bench/proxy/upstream.js for requests, ws-upstream.js for
// WebSockets. nginx runs one worker, Atrium one process; each proxy is pinned to core 0 (taskset),
// upstreams and load generators share core 1. Both proxies serve the same EC P-256 certificate
// (made with openssl) with TLS 1.3 only. Interleaved rounds as bench/proxy; paired ratios per round.
// Writes the tables into bench/RESULTS.md between the tls markers. Stops by itself.
// Run: npm run bench:tls

import { spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startGatewayOnFile, type ChildGateway } from '../../test/support/child-gateway.js'
import { startNginx } from '../support/nginx.js'
import {
  LOAD_CORE, PROXY_CORE, ROUNDS, DURATION_S, TASKSET, freePort, measureAll, pairedRatios, pin, rowOf, times,
  spawnServer, stop, scenarioTable, writeSection, type Load, type Row, type Target
} from '../support/load.js'

const READING = 'Reading the figures: the first run, 2026-12-04, right after issue 15 and bench:proxy on a noisy shared machine (per-round Atrium / nginx over HTTPS went from 0.42 to 0.96, so medians carry ±0.15). ' +
  'HTTPS: Atrium spends 85 CPU µs per request over TLS against 56 over plain HTTP in the bench:proxy run just before (nginx: 34 against 20): Node\'s TLS stream layer, not Atrium\'s request path, is the difference; 0.59× nginx\'s req/s, 0.44× per core. ' +
  'HTTP/2: 114 µs per request, 0.40× nginx\'s req/s: Node\'s http2 compatibility API (a stream object and a compat request/response per request) costs more than HTTP/1.1 over the same TLS. ' +
  'WebSockets: once the tunnel is open Atrium only pipes bytes, and wss through Atrium matched nginx\'s message rate (0.99×) at 0.59× its CPU efficiency; over plain ws it gave 0.72× of the upstream direct. No errors in any round.'
const START = '<!-- tls:start -->'
const END = '<!-- tls:end -->'
const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url))
const H2LOAD = existsSync('/usr/bin/h2load') ? '/usr/bin/h2load' : null
const WS_CONNECTIONS = 50

function makeCertificate (dir: string): { cert: string, key: string } {
  const cert = join(dir, 'bench.crt')
  const key = join(dir, 'bench.key')
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=bench.example.test', '-addext', 'subjectAltName=DNS:bench.example.test,IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`)
  return { cert, key }
}

/** nginx with the same listener: TLS 1.3, HTTP/2 by ALPN, WebSocket upgrades on /ws. */
async function startTlsNginx (dir: string, upstreamPort: number, wsPort: number, cert: { cert: string, key: string }): Promise<{ child: ChildProcess, port: number }> {
  return await startNginx(dir, (port) => `
  upstream bench_upstream { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  upstream ws_upstream { server 127.0.0.1:${wsPort}; }
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${cert.cert};
    ssl_certificate_key ${cert.key};
    ssl_protocols TLSv1.3;
    ssl_session_cache shared:SSL:10m;
    keepalive_requests 100000;
    location /ws {
      proxy_pass http://ws_upstream;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 60s;
    }
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`)
}

/** HTTP/2 load: h2load on the load core, 10 connections × 10 concurrent streams. */
async function h2Load (url: string, _headers: Record<string, string>, seconds: number): Promise<Load> {
  if (H2LOAD === null) throw new Error('h2load is not installed')
  const r = spawnSync(pin(LOAD_CORE)[0] ?? H2LOAD, [...pin(LOAD_CORE).slice(1), ...(TASKSET ? [H2LOAD] : []),
    '-c', '10', '-m', '10', '-t', '1', '-D', String(seconds), url], { encoding: 'utf8' })
  const out = r.stdout
  const rps = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN)
  const done = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out)
  const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1] ?? ''
  if (Number.isNaN(rps) || done === null) throw new Error(`h2load output not understood:\n${out}\n${r.stderr}`)
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out)
  const failedStatus = status === null ? 0 : Number(status[3]) + Number(status[4])
  return { rps, p50ms: toMs(mean), p99ms: NaN, errors: Number(done[5]) + Number(done[6]) + failedStatus, requests: Number(done[3]) }
}

function toMs (text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text)
  if (m === null) return NaN
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1)
}

/** WebSocket load: ws-load.js on the load core (messages count as requests). */
async function wsLoad (url: string, _headers: Record<string, string>, seconds: number): Promise<Load> {
  const argv = [...pin(LOAD_CORE), process.execPath, here('./ws-load.js'), url, String(WS_CONNECTIONS), String(seconds)]
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  const j = JSON.parse(line) as { messages: number, rps: number, p50ms: number, p99ms: number }
  return { rps: j.rps, p50ms: j.p50ms, p99ms: j.p99ms, errors: 0, requests: j.messages }
}

async function main (): Promise<void> {
  const node = process.execPath
  const dir = mkdtempSync(join(os.tmpdir(), 'atrium-bench-tls-'))
  const targets: { https: Target[], h2: Target[], ws: Target[] } = { https: [], h2: [], ws: [] }
  const stops: Array<() => Promise<void>> = []
  try {
    const cert = makeCertificate(dir)
    const upstream = await spawnServer([...pin(LOAD_CORE), node, here('../proxy/upstream.js'), '1'])
    stops.push(() => stop(upstream.child))
    const ws = await spawnServer([...pin(LOAD_CORE), node, here('./ws-upstream.js')])
    stops.push(() => stop(ws.child))
    const nginx = await startTlsNginx(dir, upstream.port, ws.port, cert)
    stops.push(() => stop(nginx.child))
    const file = join(dir, 'kong.json')
    writeFileSync(file, JSON.stringify({
      _format_version: '3.0',
      services: [
        { name: 'bench', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'bench', paths: ['/'], strip_path: false }] },
        { name: 'ws', url: `http://127.0.0.1:${ws.port}`, routes: [{ name: 'ws', paths: ['/ws'], strip_path: false }] }
      ]
    }))
    const tlsPort = await freePort()
    const atrium: ChildGateway = await startGatewayOnFile(file, {
      prefix: pin(PROXY_CORE),
      args: ['--proxy-tls-listen', `127.0.0.1:${tlsPort}`, '--proxy-tls-cert', cert.cert, '--proxy-tls-key', cert.key]
    })
    stops.push(() => atrium.stop())
    const ngx = nginx.child.pid as number
    targets.https.push({ name: '(a) nginx, HTTPS', url: `https://127.0.0.1:${nginx.port}/`, pid: ngx, stop: async () => {} })
    targets.https.push({ name: '(b) Atrium, HTTPS', url: `https://127.0.0.1:${tlsPort}/`, pid: atrium.pid, stop: async () => {} })
    targets.h2.push({ name: '(c) nginx, HTTP/2', url: `https://127.0.0.1:${nginx.port}/`, pid: ngx, stop: async () => {} })
    targets.h2.push({ name: '(d) Atrium, HTTP/2', url: `https://127.0.0.1:${tlsPort}/`, pid: atrium.pid, stop: async () => {} })
    targets.ws.push({ name: '(e) WebSocket upstream direct', url: `ws://127.0.0.1:${ws.port}/ws`, pid: ws.child.pid as number, stop: async () => {} })
    targets.ws.push({ name: '(f) nginx, WebSocket (wss)', url: `wss://127.0.0.1:${nginx.port}/ws`, pid: ngx, stop: async () => {} })
    targets.ws.push({ name: '(g) Atrium, WebSocket (wss)', url: `wss://127.0.0.1:${tlsPort}/ws`, pid: atrium.pid, stop: async () => {} })
    targets.ws.push({ name: '(h) Atrium, WebSocket (ws)', url: `ws://127.0.0.1:${atrium.port}/ws`, pid: atrium.pid, stop: async () => {} })

    const https = await measureAll(targets.https, {})
    const h2: Row[] = H2LOAD === null
      ? targets.h2.map((t) => ({ name: t.name, result: null, cpuUs: NaN, note: 'skipped: h2load not installed' }))
      : await measureAll(targets.h2, {}, h2Load)
    const wsRows = await measureAll(targets.ws, {}, wsLoad)
    writeResults([...https, ...h2, ...wsRows])
  } finally {
    for (const s of stops.reverse()) await s()
    rmSync(dir, { recursive: true, force: true })
  }
}

function writeResults (rows: Row[]): void {
  const row = (prefix: string): Row | undefined => rowOf(rows, prefix)
  const line = (label: string, a: string, b: string): string => {
    const paired = pairedRatios(row(a), row(b))
    const rounds = (row(a)?.rounds ?? []).map((r, i) => (r.rps / (row(b)?.rounds?.[i]?.rps ?? NaN)).toFixed(2)).join(', ')
    return `| ${label} | ${times(paired.rps)} | ${times(paired.perCore)} | ${rounds} |`
  }
  const cpus = os.cpus()
  const lines = [
    START,
    '## TLS, HTTP/2 and WebSockets',
    '',
    `Run ${new Date().toISOString().slice(0, 10)} on ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ` +
      `${ROUNDS} interleaved rounds of ${DURATION_S} s; proxies pinned to core 0, upstreams and load generators to core 1. ` +
      'HTTPS: wrk, 50 keep-alive connections, TLS 1.3 (EC P-256). HTTP/2: h2load, 10 connections × 10 streams (its p50 column is h2load\'s mean time per request; it reports no percentiles). ' +
      'WebSocket: 50 connections, 64-byte messages, each sent when the previous echo is back (a "request" is one round trip). ' +
      'Upstreams are HTTP/1.1 for both proxies. Generated by `npm run bench:tls`.',
    '',
    ...scenarioTable(rows),
    '',
    'Paired ratios (median over rounds of the ratio within each round; the last column lists every round):',
    '',
    '| comparison | req/s | req/s per core | per round |',
    '|---|---:|---:|---|',
    line('Atrium / nginx, HTTPS', '(b)', '(a)'),
    line('Atrium / nginx, HTTP/2', '(d)', '(c)'),
    line('Atrium wss / nginx wss, WebSocket messages', '(g)', '(f)'),
    line('Atrium wss / direct, WebSocket messages', '(g)', '(e)'),
    line('Atrium ws / direct, WebSocket messages', '(h)', '(e)'),
    '',
    READING,
    '',
    END
  ]
  writeSection(START, END, lines.join('\n'))
  console.log(lines.join('\n'))
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1) })
