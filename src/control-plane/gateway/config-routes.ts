import { createIssues, loadDeclarativeDocument, type GatewayConfig, parseConfigText, withDeckInfo, withGeneratedCredentials, withKongDigests, withNestedCredentials } from '../../contract/index.js'
import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import { nulPaths } from '../admin-api/read-body.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { Db, DbExecutor } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import { lockRuntimeGroup, requireRuntimeGroup } from '../runtime-groups/index.js'
import { applyPlan, planDocument } from './config-apply.js'
import { exportDocument } from './config-export.js'
import { readSelectTags, selectEntities, withSelectTags } from './config-select.js'
import { toYamlText } from './config-yaml.js'
import { loadEntities } from './entity-store.js'
import { invalidError } from './group-document.js'
import { hashPlaintextPasswords } from './credential-plan.js'
import { isRecord } from './credential-kinds.js'
import { documentFor } from './certificate-redaction.js'
import { catalogChanges, detachRequested, inUseError, versionRef } from './config-catalog.js'
import { detachVersions } from '../catalog/implementation-links.js'

// The declarative round trip: GET /config exports the group, PUT /config replaces it atomically
// (one transaction, one version bump), POST /config/diff says what a PUT would change. The whole
// file is validated once by the contract; the store write is a delete plus batched inserts.
// A PUT that would delete a catalog version's implementation is refused unless the caller asks to
// detach the version (config-catalog.ts); the diff lists every version a change touches.

const TAG = 'Declarative config'
export const CONFIG_BODY_LIMIT = 64 * 1024 * 1024

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'])
const JSON_TYPES = new Set(['application/json'])

/** True when the Accept header prefers a YAML type over JSON (q values, then order). */
export function prefersYaml (accept: string | undefined): boolean {
  if (accept === undefined) return false
  let best = { q: -1, yaml: false }
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    const yaml = YAML_TYPES.has(type.trim())
    if (!yaml && !JSON_TYPES.has(type.trim())) continue
    if (q > best.q) best = { q, yaml }
  }
  return best.yaml
}

/**
 * Reads and validates the body; 415 for other media types, 400 with every error by path. Plaintext
 * basic-auth passwords are hashed first (keeping the stored hash of a password that did not change),
 * so neither the contract nor the store ever holds them.
 */
async function readDocument (ctx: AdminContext, db: Db): Promise<{ doc: Record<string, unknown>, config: GatewayConfig }> {
  const { text, mediaType } = await ctx.text()
  const json = JSON_TYPES.has(mediaType) || mediaType.endsWith('+json')
  if (!json && !YAML_TYPES.has(mediaType)) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE', `expected Content-Type application/json or application/yaml, got "${mediaType || '(none)'}"`)
  }
  const parsed = parseConfigText(text, json ? 'body.json' : undefined)
  if (!parsed.ok) throw invalidError(parsed.errors)
  // The body is read as text (it may be YAML), so readJsonBody's NUL check never ran: PostgreSQL
  // TEXT cannot hold NUL, and a NUL in any string or key (JSON "\u0000", YAML "\0") would fail the
  // insert with a 500 on PostgreSQL only. Refused here, by path, on both stores alike.
  const nul = nulPaths(parsed.value)
  if (nul.length > 0) throw invalidError(nul.map((path) => ({ path, message: 'must not contain NUL characters' })))
  // Kong's top-level credential lists go into their consumers first: what is planned and stored
  // (and where passwords are hashed) is the nested form.
  // decK's _info first (select_tags onto every entity, defaults into the fields left out), as decK
  // applies them before it syncs.
  const deck = createIssues()
  const withInfo = isRecord(parsed.value) ? withDeckInfo(parsed.value, deck) : parsed.value
  if (deck.errors.length > 0) throw invalidError(deck.errors)
  const nested = withNestedCredentials(withInfo)
  if (nested.errors.length > 0) throw invalidError(nested.errors)
  // Kong's digests (`_transform: false`) become password hashes before plaintext passwords are hashed
  // (kong-digests.ts). Generated credential fields are made here, before the plan, so the stored
  // document holds them and every snapshot built from it (and its hash) is the same.
  const issues = createIssues()
  const prepared = isRecord(nested.doc) ? withGeneratedCredentials(withKongDigests(nested.doc, issues)) : nested.doc
  if (issues.errors.length > 0) throw invalidError(issues.errors)
  const doc = await hashPlaintextPasswords(prepared, async () => await loadEntities(db, (await requireRuntimeGroup(db, ctx.params.rg)).id))
  const result = loadDeclarativeDocument(doc as object)
  if (!result.ok) throw invalidError(result.errors)
  return { doc: doc as Record<string, unknown>, config: result.config }
}

export function configRoutes ({ db, routeConflicts }: ControlPlaneDeps): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/runtime-groups/:rg/config', tag: TAG,
      summary: 'Export the group\'s config as a Kong 3.0 declarative document (YAML when Accept prefers it); ' +
        '?select_tags=a,b (or repeated) exports only the entities carrying every tag, with _info.select_tags, as decK dump --select-tag; ' +
        'certificate keys are redacted for viewer tokens',
      handler: async (ctx) => {
        const tags = readSelectTags(ctx.query)
        const rg = await requireRuntimeGroup(db, ctx.params.rg)
        const doc = documentFor(ctx.role, withSelectTags(exportDocument(selectEntities(await loadEntities(db, rg.id), tags)), tags))
        const headers = { 'x-atrium-config-version': String(rg.config_version) }
        if (prefersYaml(ctx.req.headers.accept)) {
          return { status: 200, raw: toYamlText(doc), headers: { ...headers, 'content-type': 'application/yaml; charset=utf-8' } }
        }
        return { status: 200, body: doc, headers }
      }
    },
    {
      method: 'PUT', path: '/runtime-groups/:rg/config', tag: TAG, bodyLimit: CONFIG_BODY_LIMIT,
      summary: 'Replace the group\'s config with a declarative document (JSON or YAML), atomically; ' +
        '409 ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE when it deletes a catalog version\'s implementation, unless ?detach_versions=true',
      handler: async (ctx) => {
        const { doc } = await readDocument(ctx, db)
        const detach = detachRequested(ctx)
        const before = routeConflicts === undefined ? null : await routeConflicts.current((await requireRuntimeGroup(db, ctx.params.rg)).id)
        const out = await db.transaction(async (tx) => {
          const rg = await lockRuntimeGroup(tx, ctx.params.rg)
          const { p, existing } = await planDocument(tx, rg.id, doc)
          const detached = (await catalogChanges(tx, rg.id, existing, p)).filter((c) => c.change === 'delete').map(versionRef)
          if (detached.length > 0 && !detach) throw inUseError('the change deletes services that implement catalog versions', detached)
          await detachVersions(tx, detached.map((v) => v.version_id), nowSeconds())
          const version = await applyPlan(tx, rg, p)
          return { config_version: version, created: p.create.length, updated: p.update.length, deleted: p.delete.length, detached_versions: detached, rgId: rg.id }
        })
        const { rgId, ...body } = out
        const warnings = routeConflicts === undefined || before === null ? [] : await routeConflicts.introduced(rgId, before)
        return { status: 200, body: { ...body, warnings } }
      }
    },
    {
      method: 'POST', path: '/runtime-groups/:rg/config/diff', tag: TAG, bodyLimit: CONFIG_BODY_LIMIT,
      summary: 'What PUT /config would create, update and delete, and the catalog versions whose implementation it deletes or changes; changes nothing',
      handler: async (ctx) => {
        const { doc, config } = await readDocument(ctx, db)
        const rg = await requireRuntimeGroup(db, ctx.params.rg)
        const { p, existing } = await planDocument(db, rg.id, doc)
        const catalog = await catalogChanges(db, rg.id, existing, p)
        const warnings = routeConflicts === undefined ? [] : await routeConflicts.introducedBy(rg.id, config)
        return { status: 200, body: { create: p.create, update: p.update, delete: p.delete, catalog, warnings } }
      }
    }
  ]
}
