import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkLinks, githubSlug, headingText, markdownLinks, pageAnchors, type LinkCheckOptions } from '../../../scripts/docs/links.js'
import { REPO_ROOT } from '../../../scripts/docs/registry.js'
import { repositoryMarkdown } from './markdown-files.js'

// Pages another branch adds (the lead merges them): links to them are accepted while they are
// missing; once a page exists its links and anchors are checked like any other.

test('slugs follow GitHub: lower-case, punctuation dropped except - and _, each space a dash', () => {
  assert.equal(githubSlug(headingText('Hybrid mode: control plane → data planes')), 'hybrid-mode-control-plane--data-planes')
  assert.equal(githubSlug(headingText('Node metrics (Prometheus)')), 'node-metrics-prometheus')
  assert.equal(githubSlug(headingText('Analytics reports (node → control plane)')), 'analytics-reports-node--control-plane')
  assert.equal(githubSlug(headingText('Set-up (two commands)')), 'set-up-two-commands')
  assert.equal(githubSlug(headingText('Ünïcode Straße 2')), 'ünïcode-straße-2')
})

test('slugs keep the text of inline code and drop markup', () => {
  assert.equal(githubSlug(headingText('`services[]`')), 'services')
  assert.equal(githubSlug(headingText('Upstream path (Kong `path_handling: v0`)')), 'upstream-path-kong-path_handling-v0')
  assert.equal(githubSlug(headingText('Log format (`http-log`, `file-log`)')), 'log-format-http-log-file-log')
  assert.equal(githubSlug(headingText('**Bold** and _emphasis_ and [a link](x.md)')), 'bold-and-emphasis-and-a-link')
  assert.equal(githubSlug(headingText('snake_case stays')), 'snake_case-stays')
  assert.equal(githubSlug(headingText('`` a`b ``')), 'ab')
})

test('repeated headings get -1, -2 …, and headings inside code fences do not count', () => {
  const anchors = pageAnchors([
    '# Errors', '', '## Errors', '', '### Errors', '', '```bash', '# not a heading', '```', '',
    'Setext', '======', '', '<a id="custom-anchor"></a>'
  ].join('\n'))
  assert.deepEqual([...anchors].sort(), ['custom-anchor', 'errors', 'errors-1', 'errors-2', 'setext'])
  assert.ok(!anchors.has('not-a-heading'))
})

test('links are found in prose, not in code spans or fences', () => {
  const links = markdownLinks([
    'See [a](a.md) and ![img](i.png "title") and `[not](this.md)`.',
    '```', '[nor](that.md)', '```',
    '[ref]: ref.md'
  ].join('\n'))
  assert.deepEqual(links.map((l) => l.target), ['a.md', 'i.png', 'ref.md'])
})

function fakeRepo (files: Record<string, string>): LinkCheckOptions {
  const dirs = new Set(Object.keys(files).flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))))
  return { exists: (p) => p in files || dirs.has(p), read: (p) => files[p] }
}

test('the link checker reports a missing file and a missing anchor, and accepts good links', () => {
  const files = {
    'README.md': '# Top\n\n## Quick start\n',
    'docs/a.md': [
      '# A', '', '## Local heading', '',
      '[ok](../README.md#quick-start) [ok](#local-heading) [ok](b.md) [ok](../docs) [ok](https://example.com/x#y)',
      '[bad file](missing.md)',
      '[bad anchor](../README.md#quick-starts)',
      '[bad local](#nowhere)'
    ].join('\n'),
    'docs/b.md': '# B\n'
  }
  const problems = checkLinks('docs/a.md', files['docs/a.md'], fakeRepo(files))
  assert.deepEqual(problems.map((p) => [p.line, p.target]), [
    [6, 'missing.md'],
    [7, '../README.md#quick-starts'],
    [8, '#nowhere']
  ])
  assert.match(problems[0].problem, /no such file: docs\/missing\.md/)
  assert.match(problems[1].problem, /no heading with anchor #quick-starts in README\.md/)
})

test('every markdown link in the repository reaches an existing file and heading', () => {
  const options: LinkCheckOptions = {
    exists: (p) => existsSync(join(REPO_ROOT, p)),
    read: (p) => readFileSync(join(REPO_ROOT, p), 'utf8')
  }
  const files = repositoryMarkdown()
  assert.ok(files.length > 20, `found ${files.length} markdown files`)
  const problems = files.flatMap((file) => checkLinks(file, options.read(file), options))
  assert.deepEqual(problems.map((p) => `${p.file}:${p.line}: ${p.target}: ${p.problem}`), [])
})
