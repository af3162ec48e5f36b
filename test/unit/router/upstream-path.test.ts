import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildUpstreamPath } from '../../../src/router/upstream-path.js'

// [service path, strip_path, request path, matched prefix, upstream path]
type Row = [string | null, boolean, string, string, string]

describe('buildUpstreamPath (Kong path_handling v0)', () => {
  const rows: Array<[string, Row]> = [
    ['strips the prefix and joins with a slash', ['/s', true, '/foo/bar', '/foo', '/s/bar']],
    ['maps the bare prefix to the service path', ['/s', true, '/foo', '/foo', '/s']],
    ['keeps the trailing slash of the request', ['/s', true, '/foo/', '/foo', '/s/']],
    ['inserts a slash when the prefix is not segment-aligned', ['/s', true, '/foobar', '/foo', '/s/bar']],
    ['does not double the slash when the service path ends with one', ['/s/', true, '/foo/bar', '/foo', '/s/bar']],
    ['appends a non-slash postfix to a slash-ended service path', ['/s/', true, '/foo/bar', '/foo/', '/s/bar']],
    ['drops the trailing slash of the service path for a bare prefix', ['/s/', true, '/foo', '/foo', '/s']],
    ['keeps the service trailing slash when the request has one', ['/s/', true, '/foo/', '/foo/', '/s/']],
    ['uses / for a null service path and a bare prefix', [null, true, '/foo', '/foo', '/']],
    ['uses / for a root service path and a bare prefix', ['/', true, '/foo/', '/foo/', '/']],
    ['passes the rest of the path with a null service path', [null, true, '/foo/x/y', '/foo', '/x/y']],
    ['appends the whole request path when strip_path is false', ['/s', false, '/foo/bar', '/foo', '/s/foo/bar']],
    ['appends without doubling the slash when strip_path is false', ['/s/', false, '/foo/bar', '/foo', '/s/foo/bar']],
    ['maps / to the service path when strip_path is false', ['/s', false, '/', '/', '/s']],
    ['keeps the request path as is for a null service path and no strip', [null, false, '/a/b/', '/a', '/a/b/']],
    ['strips a whole regex match', ['/s', true, '/users/42/posts', '/users/42', '/s/posts']],
    ['keeps nothing of the request with an empty match and no service path', [null, true, '/x', '', '/x']],
    ['keeps a / request for a root route', ['/s', true, '/', '/', '/s']],
    ['keeps a / request for a root route with a slash-ended service', ['/s/', true, '/', '/', '/s/']],
    // Kong's sanitize_uri_postfix: a dot segment left at the start of the postfix never reaches the upstream.
    ['drops a leading ../ left after the prefix', ['/service', true, '/route../req', '/route', '/service/req']],
    ['drops a leading ./ left after the prefix', ['/service/', true, '/route./req', '/route', '/service/req']],
    ['drops a postfix that is only ..', ['/service', true, '/route..', '/route', '/service']],
    ['keeps dots that do not form a leading dot segment', ['/service', true, '/route...x', '/route', '/service/...x']],
    ['keeps dots when nothing is stripped', ['/service', false, '/route../req', '/route', '/service/route../req']],
    // A route without paths: Kong's request prefix is "/" (match_t.prefix or "/").
    ['maps / of a host-only route to the bare service path', ['/service', true, '/', '', '/service']],
    ['joins the path of a host-only route under the service path', ['/service', true, '/route/', '', '/service/route/']]
  ]
  for (const [behaviour, [svc, strip, req, prefix, expected]] of rows) {
    test(`${behaviour}: ${String(svc)} ${strip ? 'strip' : 'keep'} ${req} − ${JSON.stringify(prefix)} → ${expected}`, () => {
      assert.equal(buildUpstreamPath(svc, strip, req, prefix), expected)
    })
  }
})
