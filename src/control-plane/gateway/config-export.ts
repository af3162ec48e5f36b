import type { StoredEntity } from './entity-types.js'

// The group's entities as a Kong 3.0 declarative document: services with their routes nested,
// then consumers, plugins, upstreams (their targets nested) and certificates (their SNIs nested),
// each with its id (references as `{ id }`), no timestamps. Loading it back (PUT /config) gives
// the same entities. Keys in full: the nodes' snapshot is this document (certificate-redaction.ts
// redacts them for viewer tokens).

function withId (e: StoredEntity): Record<string, unknown> {
  const { name, ...rest } = e.body
  return name === undefined ? { id: e.id, ...rest } : { id: e.id, name, ...rest }
}

export function exportDocument (entities: StoredEntity[]): Record<string, unknown> {
  const services: Array<Record<string, unknown>> = []
  const routesOf = new Map<string, Array<Record<string, unknown>>>()
  const orphans: Array<Record<string, unknown>> = []
  const consumers: Array<Record<string, unknown>> = []
  const plugins: Array<Record<string, unknown>> = []
  const upstreams: Array<Record<string, unknown>> = []
  const certificates: Array<Record<string, unknown>> = []
  for (const e of entities) {
    if (e.kind === 'service') {
      const routes: Array<Record<string, unknown>> = []
      routesOf.set(e.id, routes)
      services.push({ ...withId(e), routes })
    }
  }
  for (const e of entities) {
    if (e.kind === 'route') {
      const nested = e.service_id === null ? undefined : routesOf.get(e.service_id)
      if (nested === undefined) orphans.push(withId(e))
      else {
        const { service, ...route } = withId(e)
        void service
        nested.push(route)
      }
    } else if (e.kind === 'consumer') consumers.push(withId(e))
    else if (e.kind === 'plugin') plugins.push(withId(e))
    else if (e.kind === 'upstream') upstreams.push(withId(e))
    else if (e.kind === 'certificate') certificates.push(withId(e))
  }
  const doc: Record<string, unknown> = { _format_version: '3.0', services }
  if (orphans.length > 0) doc.routes = orphans
  if (consumers.length > 0) doc.consumers = consumers
  if (plugins.length > 0) doc.plugins = plugins
  if (upstreams.length > 0) doc.upstreams = upstreams
  if (certificates.length > 0) doc.certificates = certificates
  return doc
}
