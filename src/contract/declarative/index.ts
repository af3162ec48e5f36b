// Loads a Kong 3.x declarative file (YAML or JSON) into a GatewayConfig:
//   parse → decK's _info (select_tags, defaults) → top-level credentials into their consumers → Kong's basic-auth digests (`_transform: false`) → generated credential fields (as Kong) → drop nulls → shape (Ajv, schema.ts) →
//   semantic checks → normalize → hash.
// Every error is collected before giving up; bad input never throws.

import { readFile } from 'node:fs/promises'
import { hashGatewayConfig } from '../config-hash.js'
import { checkDocument } from './check-document.js'
import { dropNulls } from './entities.js'
import { liftFlatCredentials } from './flat-credentials.js'
import { withGeneratedCredentials } from './generated-credentials.js'
import { withKongDigests } from './kong-digests.js'
import { withDeckInfo } from './deck-info.js'
import { normalizeDocument } from './normalize.js'
import { MAX_NESTING, parseConfigText } from './parse.js'
import { isObject, tooDeepAt } from './paths.js'
import { createIssues, sortIssues, type DeclarativeOptions, type DeclarativeResult } from './types.js'
import { validateShape } from './validate-shape.js'
import type { DeclarativeInput } from './schema.js'
import type { GatewayConfig } from '../gateway-config.js'

export type { DeclarativeOptions, DeclarativeResult, FieldIssue } from './types.js'

export function loadDeclarativeConfig (text: string, options: DeclarativeOptions = {}): DeclarativeResult {
  try {
    return load(text, options)
  } catch (err) {
    // A bug of ours, not of the input; still reported as a result so callers have one path.
    const message = `internal error while loading configuration: ${(err as Error)?.message ?? String(err)}`
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_INVALID', errors: [{ path: '', message }], warnings: [] }
  }
}

export async function readDeclarativeConfigFile (file: string): Promise<DeclarativeResult> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const message = `cannot read configuration file: ${(err as Error).message}`
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_READ', errors: [{ path: '', message }], warnings: [] }
  }
  return loadDeclarativeConfig(text, { filename: file })
}

function load (text: string, options: DeclarativeOptions): DeclarativeResult {
  if (typeof text !== 'string') {
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_PARSE', errors: [{ path: '', message: 'configuration text must be a string' }], warnings: [] }
  }
  const parsed = parseConfigText(text, options.filename)
  if (!parsed.ok) return { ok: false, code: 'ATRIUM_ERR_CONFIG_PARSE', errors: parsed.errors, warnings: [] }
  return loadParsed(parsed.value, {})
}

/**
 * The same pipeline as loadDeclarativeConfig for a document that is already data (the control
 * plane builds one from its store, with a change applied): drop nulls → shape → checks → normalize.
 */
export interface LoadOptions {
  /**
   * Refuse certificates that have expired (default). A node checking the config its control plane
   * sent accepts them: the CP refused them when they were written, and time passing must not make
   * a node refuse its group's whole config.
   */
  acceptExpiredCertificates?: boolean
}

export function loadDeclarativeDocument (doc: object, options: LoadOptions = {}): DeclarativeResult {
  try {
    return loadParsed(doc, options)
  } catch (err) {
    const message = `internal error while loading configuration: ${(err as Error)?.message ?? String(err)}`
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_INVALID', errors: [{ path: '', message }], warnings: [] }
  }
}

/**
 * Normalises and hashes a document that already passed the contract (the control plane's own store,
 * every write to which was validated): the same config and hash loadDeclarativeDocument gives it,
 * without re-running the checks (~3× cheaper). Throws on a document that would not pass them.
 */
export function normalizeValidatedDocument (doc: object): { config: GatewayConfig, hash: string } {
  const config = normalizeDocument(dropNulls(doc as Record<string, unknown>) as DeclarativeInput)
  return { config, hash: hashGatewayConfig(config) }
}

function loadParsed (value: unknown, options: LoadOptions): DeclarativeResult {
  if (!isObject(value)) {
    const message = 'must be an object with _format_version, services and routes'
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_INVALID', errors: [{ path: '', message }], warnings: [] }
  }
  const deep = tooDeepAt(value, MAX_NESTING)
  if (deep !== null) {
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_INVALID', errors: [{ path: deep, message: `nests deeper than ${MAX_NESTING} levels` }], warnings: [] }
  }
  const issues = createIssues()
  const doc = dropNulls(withGeneratedCredentials(withKongDigests(liftFlatCredentials(withDeckInfo(value, issues), issues), issues)))
  validateShape(doc, issues)
  checkDocument(doc, issues, { now: options.acceptExpiredCertificates === true ? null : Date.now() })
  if (issues.errors.length > 0) {
    return { ok: false, code: 'ATRIUM_ERR_CONFIG_INVALID', errors: sortIssues(issues.errors), warnings: sortIssues(issues.warnings) }
  }
  const config = normalizeDocument(doc as DeclarativeInput)
  return { ok: true, config, hash: hashGatewayConfig(config), warnings: sortIssues(issues.warnings) }
}
