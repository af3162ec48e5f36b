import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, readDeclarativeConfigFile, type FieldIssue } from '../../../src/contract/index.js'
import { fixturePath, readFixture } from './fixtures.js'

function errorsOf (text: string): FieldIssue[] {
  const result = loadDeclarativeConfig(text)
  if (result.ok) assert.fail('expected errors, the config was accepted')
  assert.equal(result.code, 'ATRIUM_ERR_CONFIG_INVALID')
  return result.errors
}

/** A 3.0 document with one service (given as YAML flow fields) and optional top-level YAML. */
function doc (service: string, rest = ''): string {
  return `_format_version: "3.0"\nservices:\n  - { ${service} }\n${rest}`
}

function assertOnlyError (text: string, path: string, message: string): void {
  assert.deepEqual(errorsOf(text), [{ path, message }])
}

test('reports every error of a file, each with its path', () => {
  assert.deepEqual(errorsOf(readFixture('many-errors.yaml')), [
    { path: 'routes[0].service', message: 'no service named "missing"' },
    { path: 'services[0].colour', message: 'unknown field' },
    { path: 'services[0].routes[0].methods[0]', message: 'must be an upper-case HTTP method, e.g. GET' },
    { path: 'services[0].routes[0].paths[2]', message: 'invalid regex: invalid perl operator: (?=' },
    { path: 'services[1].name', message: 'duplicate name "orders" (also at services[0].name)' },
    { path: 'services[1].port', message: 'must be an integer' }
  ])
})

test('rejects a regex path RE2 cannot compile (backreference)', () => {
  assertOnlyError(doc('host: a, routes: [{ paths: ["~/(a)\\\\1"] }]'), 'services[0].routes[0].paths[0]', 'invalid regex: invalid escape sequence: \\1')
})

test('rejects a path that starts with neither / nor ~/', () => {
  assertOnlyError(doc('host: a, routes: [{ paths: [orders] }]'), 'services[0].routes[0].paths[0]', 'must start with / (prefix path) or ~/ (regex path)')
  assertOnlyError(doc('host: a, routes: [{ paths: ["~orders"] }]'), 'services[0].routes[0].paths[0]', 'must start with / (prefix path) or ~/ (regex path)')
})

test('rejects a prefix path with a query or a bad percent-encoding', () => {
  assert.deepEqual(errorsOf(doc('host: a, routes: [{ paths: ["/a?b=1", "/a%zz"] }]')), [
    { path: 'services[0].routes[0].paths[0]', message: 'must not contain "?" or "#"' },
    { path: 'services[0].routes[0].paths[1]', message: 'has an invalid percent-encoding ("%" must be followed by two hex digits)' }
  ])
})

test('rejects unknown fields at every level', () => {
  assert.deepEqual(errorsOf(doc('host: a, colour: blue, routes: [{ paths: [/], weight: 3 }]', 'routes:\n  - { service: { name: x, kind: y }, paths: [/r] }\nextra: 1')), [
    { path: 'extra', message: 'unknown field' },
    { path: 'routes[0].service.kind', message: 'unknown field' },
    { path: 'services[0].colour', message: 'unknown field' },
    { path: 'services[0].routes[0].weight', message: 'unknown field' }
  ])
})

test('rejects wrong types with readable messages', () => {
  assert.deepEqual(errorsOf(doc('host: a, port: 80.5, retries: "3", tls_verify: "yes", tags: tag, routes: [{ paths: /x, strip_path: 1 }]')), [
    { path: 'services[0].port', message: 'must be an integer' },
    { path: 'services[0].retries', message: 'must be an integer' },
    { path: 'services[0].routes[0].paths', message: 'must be a list' },
    { path: 'services[0].routes[0].strip_path', message: 'must be a boolean' },
    { path: 'services[0].tags', message: 'must be a list' },
    { path: 'services[0].tls_verify', message: 'must be a boolean' }
  ])
})

test('rejects numbers out of range', () => {
  assert.deepEqual(errorsOf(doc('host: a, port: 70000, connect_timeout: 0, retries: 40000')), [
    { path: 'services[0].connect_timeout', message: 'must be between 1 and 2147483646' },
    { path: 'services[0].port', message: 'must be between 1 and 65535' },
    { path: 'services[0].retries', message: 'must be between 0 and 32767' }
  ])
})

test('rejects a missing or unsupported _format_version', () => {
  assertOnlyError('services: []', '_format_version', 'is required')
  assertOnlyError('_format_version: "4.0"', '_format_version', 'unsupported version "4.0" (expected "3.0", "2.1" or "1.1")')
  assertOnlyError('_format_version: 3.0', '_format_version', 'must be a string')
})

test('rejects a service name with characters Kong does not allow', () => {
  assertOnlyError(doc('name: "my service", host: a'), 'services[0].name', 'must contain only letters, digits, ".", "-", "_" or "~"')
})

test('rejects a malformed id', () => {
  assertOnlyError(doc('id: not-a-uuid, host: a'), 'services[0].id', 'must be a UUID')
})

test('requires host when url is not set', () => {
  assertOnlyError(doc('name: a'), 'services[0].host', 'is required when url is not set')
})

test('url overrides protocol, host, port and path given next to it, as Kong\'s shorthand does', () => {
  const result = loadDeclarativeConfig(doc('url: "https://a.internal/base", host: "not a host", port: 81, path: x, protocol: http'))
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  const s = result.config.services[0]
  assert.deepEqual([s.protocol, s.host, s.port, s.path], ['https', 'a.internal', 443, '/base'])
})

test('rejects invalid urls', () => {
  const cases: Array<[string, string]> = [
    ['ftp://a.internal', 'protocol must be http or https, not "ftp"'],
    ['a.internal', 'must be a URL like http://host[:port][/path]'],
    ['http://a.internal/x?y=1', 'must not contain a query or fragment'],
    ['http://user:pw@a.internal', 'must not contain credentials'],
    ['http://a.internal:0', 'invalid port "0" (must be between 1 and 65535)'],
    ['http://a..b', 'host must be a valid hostname or IP address']
  ]
  for (const [url, message] of cases) assertOnlyError(doc(`url: "${url}"`), 'services[0].url', message)
})

test('rejects a service path without a leading slash and an invalid host', () => {
  assert.deepEqual(errorsOf(doc('host: "bad host", path: v1')), [
    { path: 'services[0].host', message: 'must be a valid hostname or IP address' },
    { path: 'services[0].path', message: 'must start with /' }
  ])
})

test('rejects a Kong protocol other than http and https as not supported, and an unknown one by the shape', () => {
  const why = 'not supported by Atrium (non-http-protocols): Atrium proxies http and https only (no grpc, grpcs, ws, wss, tcp, tls, tls_passthrough or udp)'
  assert.deepEqual(errorsOf(doc('host: a, protocol: grpc, routes: [{ paths: [/], protocols: [http, tcp, ftp] }]')), [
    { path: 'services[0].protocol', message: why },
    { path: 'services[0].routes[0].protocols[1]', message: why },
    { path: 'services[0].routes[0].protocols[2]', message: 'must be one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss' }
  ])
})

test('rejects lower-case methods', () => {
  assertOnlyError(doc('host: a, routes: [{ methods: [GET, post] }]'), 'services[0].routes[0].methods[1]', 'must be an upper-case HTTP method, e.g. GET')
})

test('rejects invalid route hosts and misplaced wildcards', () => {
  const cases: Array<[string, string]> = [
    ['a.*.com', 'wildcard "*" must be the whole leftmost or rightmost label, e.g. *.example.com or example.*'],
    ['*', 'wildcard "*" must be the whole leftmost or rightmost label, e.g. *.example.com or example.*'],
    ['*.a.*', 'only one wildcard "*" is allowed'],
    ['foo*.example.com', 'wildcard "*" must be the whole leftmost or rightmost label, e.g. *.example.com or example.*'],
    ['bad_host!', 'must be a valid hostname'],
    ['a.example.com:99999', 'invalid port "99999" (must be between 1 and 65535)'],
    ['::1', 'IPv6 addresses must be written in brackets, e.g. [::1]:8080']
  ]
  for (const [host, message] of cases) {
    assertOnlyError(doc(`host: a, routes: [{ hosts: ["${host}"] }]`), 'services[0].routes[0].hosts[0]', message)
  }
})

test('rejects a host header and an invalid header name', () => {
  assert.deepEqual(errorsOf(doc('host: a, routes: [{ headers: { Host: [a.example], "x bad": [v], x-ok: [] } }]')), [
    { path: 'services[0].routes[0].headers.Host', message: 'a host header is not allowed here; use hosts' },
    { path: 'services[0].routes[0].headers.x-ok', message: 'must not be an empty list' },
    { path: 'services[0].routes[0].headers["x bad"]', message: 'is not a valid header name' }
  ])
})

test('rejects header names that differ only by case and regex header values', () => {
  assert.deepEqual(errorsOf(doc('host: a, routes: [{ headers: { X-A: [a], x-a: [b], x-b: ["~*^v\\\\d$"] } }]')), [
    { path: 'services[0].routes[0].headers.x-a', message: 'duplicate header name (also at services[0].routes[0].headers.X-A)' },
    { path: 'services[0].routes[0].headers.x-b[0]', message: 'regex header values (~*) are not supported' }
  ])
})

test('rejects path_handling v1', () => {
  assertOnlyError(doc('host: a, routes: [{ paths: [/], path_handling: v1 }]'), 'services[0].routes[0].path_handling', 'path_handling v1 is not supported')
})

test('rejects a route without methods, hosts, headers, paths or (with https) snis', () => {
  assertOnlyError(doc('host: a, routes: [{ name: r, paths: [], strip_path: false }]'), 'services[0].routes[0]', 'must have at least one of methods, hosts, headers, paths or snis')
  assertOnlyError(doc('name: s, host: a', 'routes:\n  - { service: s }'), 'routes[0]', 'must have at least one of methods, hosts, headers, paths or snis')
  assertOnlyError(doc('host: a, routes: [{ name: r, protocols: [http] }]'), 'services[0].routes[0]', 'must have at least one of methods, hosts, headers or paths')
})

test('rejects duplicate service names, route names and ids, naming the first occurrence', () => {
  const id = '5b6c0b1e-2f0a-4c3d-9e8f-0123456789ab'
  const text = [
    '_format_version: "3.0"',
    'services:',
    `  - { name: x, id: ${id}, host: a, routes: [{ name: r, id: ${id}, paths: [/a] }] }`,
    `  - { name: x, id: ${id.toUpperCase()}, host: b }`,
    'routes:',
    `  - { name: r, id: ${id}, service: x, paths: [/b] }`
  ].join('\n')
  assert.deepEqual(errorsOf(text), [
    { path: 'routes[0].id', message: `duplicate id "${id}" (also at services[0].routes[0].id)` },
    { path: 'routes[0].name', message: 'duplicate name "r" (also at services[0].routes[0].name)' },
    { path: 'services[1].id', message: `duplicate id "${id.toUpperCase()}" (also at services[0].id)` },
    { path: 'services[1].name', message: 'duplicate name "x" (also at services[0].name)' }
  ])
})

test('rejects top-level routes whose service does not resolve; a route without one is accepted (Kong)', () => {
  const text = doc('name: s, id: 5b6c0b1e-2f0a-4c3d-9e8f-0123456789ab, host: a', [
    'routes:',
    '  - { service: nope, paths: [/1] }',
    '  - { service: { id: 00000000-0000-4000-8000-000000000000 }, paths: [/2] }',
    '  - { service: {}, paths: [/3] }',
    '  - { service: 42, paths: [/4] }',
    '  - { paths: [/5] }',
    '  - { service: null, paths: [/6] }'
  ].join('\n'))
  assert.deepEqual(errorsOf(text), [
    { path: 'routes[0].service', message: 'no service named "nope"' },
    { path: 'routes[1].service', message: 'no service with id "00000000-0000-4000-8000-000000000000"' },
    { path: 'routes[2].service', message: 'must have a name or an id' },
    { path: 'routes[3].service', message: 'must be a service name or an object with name or id' }
  ])
})

test('rejects a nested route that names a service', () => {
  assertOnlyError(doc('name: s, host: a, routes: [{ service: s, paths: [/] }]'), 'services[0].routes[0].service', 'unknown field')
})

test('reports YAML syntax errors with their line as a parse error', () => {
  const result = loadDeclarativeConfig('_format_version: "3.0"\nservices: [\n')
  assert.equal(result.ok, false)
  if (result.ok) return
  assert.equal(result.code, 'ATRIUM_ERR_CONFIG_PARSE')
  assert.equal(result.errors[0].path, '')
  assert.match(result.errors[0].message, /^invalid YAML at line \d+, column \d+: /)
})

test('reports duplicate YAML keys as a parse error', () => {
  const result = loadDeclarativeConfig('_format_version: "3.0"\n_format_version: "3.0"\n')
  assert.equal(result.ok ? null : result.code, 'ATRIUM_ERR_CONFIG_PARSE')
})

test('reports invalid JSON as a parse error', () => {
  const result = loadDeclarativeConfig('{"_format_version": "3.0",}')
  assert.equal(result.ok, false)
  if (result.ok) return
  assert.equal(result.code, 'ATRIUM_ERR_CONFIG_PARSE')
  assert.match(result.errors[0].message, /^invalid JSON: /)
})

test('rejects a document that is not an object', () => {
  for (const text of ['', '- a\n- b', '42', 'null']) {
    assertOnlyError(text, '', 'must be an object with _format_version, services and routes')
  }
})

test('never throws, whatever the input', () => {
  const inputs = [undefined, 42, '~', '{', '[]', '_format_version: "3.0"\nservices: 7', '_format_version: "3.0"\nservices: [1, null, []]\nroutes: [x]']
  for (const input of inputs) {
    const result = loadDeclarativeConfig(input as string)
    assert.equal(result.ok, false, String(input))
  }
})

test('a file that cannot be read is one read error on the empty path', async () => {
  const result = await readDeclarativeConfigFile(fixturePath('does-not-exist.yaml'))
  assert.equal(result.ok, false)
  if (result.ok) return
  assert.equal(result.code, 'ATRIUM_ERR_CONFIG_READ')
  assert.equal(result.errors.length, 1)
  assert.equal(result.errors[0].path, '')
  assert.match(result.errors[0].message, /^cannot read configuration file: ENOENT/)
})
