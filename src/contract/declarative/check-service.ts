// Service rules beyond shape: `url`, host and path syntax, `enabled`. `url` is Kong's shorthand
// (services.lua shorthand_fields): it sets protocol, host, port and path, overriding any given next
// to it, so those are checked only when there is no url.

import { checkServiceHost } from './hosts.js'
import { checkLiteralPath } from './path-rules.js'
import { joinPath } from './paths.js'
import { parseServiceUrl } from './service-url.js'
import type { ServiceEntry } from './entities.js'
import type { Issues } from './types.js'

export function checkService ({ service, path }: ServiceEntry, issues: Issues): void {
  if (service.url !== undefined) {
    if (typeof service.url === 'string') {
      const parsed = parseServiceUrl(service.url)
      if (!parsed.ok) issues.error(joinPath(path, 'url'), parsed.message)
    }
  } else if (service.host === undefined) {
    issues.error(joinPath(path, 'host'), 'is required when url is not set')
  }
  if (service.url === undefined && typeof service.host === 'string' && service.host !== '') {
    const message = checkServiceHost(service.host)
    if (message !== null) issues.error(joinPath(path, 'host'), message)
  }
  if (service.url === undefined && typeof service.path === 'string') {
    const message = service.path.startsWith('/') ? checkLiteralPath(service.path) : 'must start with /'
    if (message !== null) issues.error(joinPath(path, 'path'), message)
  }
  if (service.enabled === false) {
    // Kong serves nothing for a disabled service; neither do we: it and its routes are left out.
    issues.warn(joinPath(path, 'enabled'), 'service is disabled; it and its routes are not loaded')
  }
}
