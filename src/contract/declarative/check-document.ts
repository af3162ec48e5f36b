// Semantic checks over the whole document. They run even when shape validation failed, so one
// pass reports every problem; each check looks only at values of the type it expects.

import { checkConsumers, checkPlugins } from './check-plugins.js'
import { checkCredentials } from './check-credentials.js'
import { checkRoute } from './check-route.js'
import { checkService } from './check-service.js'
import { checkUnsupported } from './check-unsupported.js'
import { checkCertificates, type CertificateCheckOptions } from './check-certificates.js'
import { checkUpstreams } from './check-upstreams.js'
import { collectRoutes, collectServices } from './entities.js'
import { checkDuplicates, checkServiceRefs } from './references.js'
import { FORMAT_VERSIONS } from './schema.js'
import type { Issues } from './types.js'

export function isLegacyFormat (doc: Record<string, unknown>): boolean {
  return doc._format_version !== '3.0'
}

export function checkDocument (doc: Record<string, unknown>, issues: Issues, options: CertificateCheckOptions = { now: Date.now() }): void {
  const version = doc._format_version
  if (typeof version === 'string' && !(FORMAT_VERSIONS as readonly string[]).includes(version)) {
    issues.error('_format_version', `unsupported version "${version}" (expected "3.0", "2.1" or "1.1")`)
  }
  const services = collectServices(doc)
  const routes = collectRoutes(doc)
  const legacy = isLegacyFormat(doc)
  for (const service of services) checkService(service, issues)
  for (const route of routes) checkRoute(route, legacy, issues)
  checkDuplicates(services, routes, issues)
  checkServiceRefs(routes, services, issues)
  checkConsumers(doc, issues)
  checkCredentials(doc, issues)
  checkPlugins(doc, issues)
  checkUpstreams(doc, issues)
  checkCertificates(doc, options, issues)
  checkUnsupported(doc, services, routes, issues)
}
