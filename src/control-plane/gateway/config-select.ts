import { checkTags, createIssues } from '../../contract/index.js'
import { CREDENTIAL_KINDS, credentialsOf, withCredentialList } from './credential-kinds.js'
import type { StoredEntity } from './entity-types.js'
import { targetsOf, withTargets } from './upstream-targets.js'
import { snisOf, withSnis } from './certificate-snis.js'
import { invalidError } from './group-document.js'

// decK's `dump --select-tag`: the export of only the entities that carry every select tag, headed by
// `_info.select_tags`, so that applying it back is scoped the same way (config-routes.ts plan()).
//
// Each entity is selected by its own tags, as decK does. A selected route whose service is not
// selected, or a selected plugin whose service, route or consumer is not, is left out as decK leaves
// it out (Kong/deck#212): a file scoped by these tags can only reference its own entities (apply
// resolves references within the file), so it has no way to say "this service, kept outside".

/** `?select_tags=a,b` (also repeated): the tags, in order without repeats; 400 naming `select_tags[i]`. */
export function readSelectTags (query: URLSearchParams): string[] {
  const values = query.getAll('select_tags').flatMap((v) => v.split(','))
  const issues = createIssues()
  const tags = checkTags(values, 'select_tags', issues)
  if (issues.errors.length > 0) throw invalidError(issues.errors)
  return [...new Set(tags)]
}

/** Whether the entity's own tags include every one of `tags`. */
export function hasTags (body: Record<string, unknown>, tags: readonly string[]): boolean {
  const own = body.tags
  return Array.isArray(own) && tags.every((t) => own.includes(t))
}

/** A consumer body keeping only the credentials that carry the tags. */
function selectCredentials (body: Record<string, unknown>, tags: readonly string[]): Record<string, unknown> {
  let out = body
  for (const info of Object.values(CREDENTIAL_KINDS)) {
    out = withCredentialList(out, info, credentialsOf(out, info).filter((c) => hasTags(c, tags)))
  }
  return out
}

/** The entities carrying every tag, without those whose owner was left out; all when `tags` is empty. */
export function selectEntities (entities: StoredEntity[], tags: readonly string[]): StoredEntity[] {
  if (tags.length === 0) return entities
  const tagged = entities.filter((e) => hasTags(e.body, tags))
  const services = new Set(tagged.filter((e) => e.kind === 'service').map((e) => e.id))
  const consumers = new Set(tagged.filter((e) => e.kind === 'consumer').map((e) => e.id))
  const routes = new Set(tagged.filter((e) => e.kind === 'route' && (e.service_id === null || services.has(e.service_id))).map((e) => e.id))
  const kept = (id: string | null, selected: Set<string>): boolean => id === null || selected.has(id)
  const out: StoredEntity[] = []
  for (const e of tagged) {
    if (e.kind === 'route' && !routes.has(e.id)) continue
    if (e.kind === 'plugin' && !(kept(e.service_id, services) && kept(e.route_id, routes) && kept(e.consumer_id, consumers))) continue
    if (e.kind === 'consumer') out.push({ ...e, body: selectCredentials(e.body, tags) })
    else if (e.kind === 'upstream') out.push({ ...e, body: withTargets(e.body, targetsOf(e.body).filter((t) => hasTags(t, tags))) })
    else if (e.kind === 'certificate') out.push({ ...e, body: withSnis(e.body, snisOf(e.body).filter((s) => hasTags(s, tags))) })
    else out.push(e)
  }
  return out
}

/** The exported document headed by decK's `_info.select_tags` (after `_format_version`, as decK writes it). */
export function withSelectTags (doc: Record<string, unknown>, tags: readonly string[]): Record<string, unknown> {
  if (tags.length === 0) return doc
  const { _format_version: version, ...rest } = doc
  return { _format_version: version, _info: { select_tags: [...tags] }, ...rest }
}
