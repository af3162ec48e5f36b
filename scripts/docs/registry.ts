// What `npm run docs` generates: a list of {file, render} entries. An entry with a `region` fills
// the `<!-- generated:<region> start -->` … `end -->` markers of a hand-written page (prose stays
// hand-written); an entry without one is a whole generated page. To add a page, add one line.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderCommandLineReference } from '../../src/cli/command-line-doc.js'
import { ErrorCodes } from '../../src/errors.js'
import { PLUGIN_SPECS } from '../../src/plugins/schemas.js'
import { errorDocComments, errorEntries, renderErrorReference, renderProxyErrors, type ErrorEntry } from './error-table.js'
import { replaceRegion } from './markdown.js'
import { renderPluginFields, renderPluginList } from './plugin-fields.js'
import { renderUnsupportedFeatures } from './unsupported-table.js'
import { UNSUPPORTED_FEATURES } from '../../src/contract/unsupported-features.js'

export interface DocTarget {
  /** The page, relative to the repository root (posix). */
  file: string
  /** A generated region inside a hand-written page; without it `render()` is the whole page. */
  region?: string
  render: () => string
}

/** The repository root: the nearest folder above this module with a package.json (dist/ has none). */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))

function findRoot (from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

function currentErrors (): ErrorEntry[] {
  return errorEntries(ErrorCodes, errorDocComments(readFileSync(join(REPO_ROOT, 'src', 'errors.ts'), 'utf8')))
}

export const DOC_TARGETS: readonly DocTarget[] = [
  { file: 'docs/plugins/README.md', region: 'plugin-list', render: () => renderPluginList(PLUGIN_SPECS) },
  ...PLUGIN_SPECS.map((spec): DocTarget => ({ file: `docs/plugins/${spec.name}.md`, region: 'plugin-fields', render: () => renderPluginFields(spec) })),
  { file: 'docs/errors.md', region: 'error-codes', render: () => renderErrorReference(currentErrors()) },
  { file: 'docs/routing-and-proxying.md', region: 'proxy-errors', render: () => renderProxyErrors(currentErrors()) },
  { file: 'docs/command-line.md', render: renderCommandLineReference },
  { file: 'docs/configuration.md', region: 'unsupported-features', render: () => renderUnsupportedFeatures(UNSUPPORTED_FEATURES) }
]

/**
 * What `file` must contain given its current text (undefined: the file does not exist): every
 * target for it applied in order. Throws when a region's markers are missing.
 */
export function expectedPage (file: string, current: string | undefined, targets: readonly DocTarget[] = DOC_TARGETS): string {
  let text = current
  for (const target of targets.filter((t) => t.file === file)) {
    if (target.region === undefined) {
      text = ensureNewline(target.render())
    } else {
      if (text === undefined) throw new Error(`${file} does not exist: create it with the ${target.region} markers`)
      try {
        text = replaceRegion(text, target.region, target.render())
      } catch (err) {
        throw new Error(`${file}: ${(err as Error).message}`)
      }
    }
  }
  if (text === undefined) throw new Error(`${file}: nothing generates it`)
  return text
}

function ensureNewline (text: string): string {
  return text.endsWith('\n') ? text : text + '\n'
}

/** The distinct files the registry writes, in registry order. */
export function generatedFiles (targets: readonly DocTarget[] = DOC_TARGETS): string[] {
  return [...new Set(targets.map((t) => t.file))]
}

/** One generated file on disk next to what its sources render: `error` when it cannot be rendered. */
export type PageState =
  | { file: string, path: string, current: string | undefined, expected: string, error?: undefined }
  | { file: string, path: string, current: string | undefined, expected?: undefined, error: string }

/** Every generated file's state, read from the repository (`npm run docs` and the docs test share it). */
export function pageStates (targets: readonly DocTarget[] = DOC_TARGETS): PageState[] {
  return generatedFiles(targets).map((file) => {
    const path = join(REPO_ROOT, file)
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined
    try {
      return { file, path, current, expected: expectedPage(file, current, targets) }
    } catch (err) {
      return { file, path, current, error: (err as Error).message }
    }
  })
}
