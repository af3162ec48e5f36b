import type { ServicePackage } from '../catalog/package-store.js'
import type { DocumentHead } from '../catalog/document-store.js'
import { childrenMap } from '../catalog/document-tree.js'
import { html, layout, seg, trustedHtml, type SafeHtml } from './html.js'
import { renderMarkdown } from './markdown.js'
import type { PortalEnvironment, PortalVersion } from './portal-data.js'

// The portal's pages, server-rendered. Every value is escaped by `html`; the only unescaped HTML is
// the sanitised markdown. The API reference is drawn in the browser by Swagger UI from the spec
// JSON endpoint.

function labelChips (labels: Record<string, string>): SafeHtml {
  return html`<ul class="labels">${Object.entries(labels).map(([k, v]) => html`<li class="label">${k}: ${v}</li>`)}</ul>`
}

function homeHref (q: string | undefined, labels: Array<[string, string]>, next?: string): string {
  const params = new URLSearchParams()
  if (q !== undefined) params.set('q', q)
  for (const [k, v] of labels) params.append('labels', `${k}:${v}`)
  if (next !== undefined) params.set('next', next)
  const text = params.toString()
  return text === '' ? '/' : `/?${text}`
}

export interface HomeInput {
  q?: string
  labels: Array<[string, string]>
  allLabels: Array<[string, string]>
  packages: ServicePackage[]
  next: string | null
}

export function homePage (input: HomeInput): string {
  const selected = new Set(input.labels.map(([k, v]) => `${k}:${v}`))
  const filters = input.allLabels.map(([k, v]) => {
    const on = selected.has(`${k}:${v}`)
    const labels = on ? input.labels.filter(([a, b]) => `${a}:${b}` !== `${k}:${v}`) : [...input.labels, [k, v] as [string, string]]
    return html`<li><a class="${on ? 'label on' : 'label'}" href="${homeHref(input.q, labels)}">${k}: ${v}</a></li>`
  })
  const body = html`<h1>APIs</h1>
<form class="search" method="get" action="/" role="search">
  <input type="search" name="q" value="${input.q ?? ''}" placeholder="Search APIs by name, description or label" aria-label="Search">
  ${input.labels.map(([k, v]) => html`<input type="hidden" name="labels" value="${k}:${v}">`)}
  <button type="submit">Search</button>
</form>
${filters.length > 0 ? html`<nav class="filters" aria-label="Filter by label"><ul class="labels">${filters}</ul></nav>` : ''}
${input.packages.length === 0
  ? html`<p class="empty">No APIs match.</p>`
  : html`<ul class="packages">${input.packages.map((p) => html`<li class="package">
  <h2><a href="/packages/${seg(p.slug)}">${p.name}</a></h2>
  ${p.description === null ? '' : html`<p>${p.description}</p>`}
  ${labelChips(p.labels)}
</li>`)}</ul>`}
${input.next === null ? '' : html`<p><a class="next" href="${homeHref(input.q, input.labels, input.next)}">Next page</a></p>`}`
  return layout('APIs', body)
}

function docNav (pkg: ServicePackage, docs: DocumentHead[], current: string | null): SafeHtml {
  if (docs.length === 0) return html``
  const children = childrenMap(docs)
  const level = (parent: string | null): SafeHtml => html`<ul>${(children.get(parent) ?? []).map((d) => html`<li>
<a href="/packages/${seg(pkg.slug)}/docs/${seg(d.slug)}"${d.slug === current ? html` aria-current="page"` : ''}>${d.title}</a>${children.has(d.id) ? level(d.id) : ''}
</li>`)}</ul>`
  return html`<nav class="docs-nav" aria-label="Documentation"><h2>Documentation</h2>${level(null)}</nav>`
}

function statusBadge (status: string): SafeHtml {
  return html`<span class="status status-${status}">${status}</span>`
}

function versionHref (pkg: ServicePackage, v: PortalVersion, environment?: string): string {
  const base = `/packages/${seg(pkg.slug)}/versions/${seg(v.version)}`
  return environment === undefined ? base : `${base}?environment=${encodeURIComponent(environment)}`
}

function versionsTable (pkg: ServicePackage, versions: PortalVersion[]): SafeHtml {
  if (versions.length === 0) return html`<p class="empty">No published versions yet.</p>`
  return html`<table class="versions">
<thead><tr><th>Version</th><th>Environments</th><th>Reachable at</th><th>API reference</th></tr></thead>
<tbody>${versions.map((v) => {
  const withSpec = v.environments.filter((e) => e.spec !== null)
  return html`<tr>
<td><a href="${versionHref(pkg, v)}">${v.version}</a></td>
<td><ul class="environments">${v.environments.map((e) => html`<li>${e.runtime_group} ${statusBadge(e.status)}</li>`)}</ul></td>
<td>${v.environments.map((e) => html`<div class="environment"><span class="environment-name">${e.runtime_group}</span>${endpointList(e)}</div>`)}</td>
<td>${withSpec.length === 0
  ? 'no spec'
  : html`<a href="${versionHref(pkg, v)}">${withSpec[0].spec?.title} (${withSpec[0].spec?.specification})</a>`}</td>
</tr>`
})}</tbody></table>`
}

function endpointList (e: PortalEnvironment): SafeHtml {
  if (e.endpoints.length === 0) return html`<span class="empty">no route</span>`
  return html`<ul class="routes">${e.endpoints.map((u) => {
    const methods = u.methods.length > 0 ? `${u.methods.join(', ')} ` : ''
    return u.pattern === null
      ? html`<li><code>${methods}${u.url}</code></li>`
      : html`<li><code>${methods}${u.url === '' ? '' : `${u.url} `}</code>paths matching <code class="pattern">${u.pattern}</code></li>`
  })}</ul>`
}

function packageHeader (pkg: ServicePackage): SafeHtml {
  return html`<h1><a href="/packages/${seg(pkg.slug)}">${pkg.name}</a></h1>
${pkg.description === null ? '' : html`<p class="description">${pkg.description}</p>`}
${labelChips(pkg.labels)}`
}

export function packagePage (pkg: ServicePackage, docs: DocumentHead[], versions: PortalVersion[]): string {
  const body = html`<div class="with-nav">${docNav(pkg, docs, null)}<section class="content">
${packageHeader(pkg)}
<h2>Versions</h2>
${versionsTable(pkg, versions)}
</section></div>`
  return layout(pkg.name, body)
}

export function documentPage (pkg: ServicePackage, docs: DocumentHead[], doc: { title: string, slug: string, content: string }): string {
  const body = html`<div class="with-nav">${docNav(pkg, docs, doc.slug)}<section class="content">
<p class="crumbs"><a href="/packages/${seg(pkg.slug)}">${pkg.name}</a></p>
<article class="markdown">${trustedHtml(renderMarkdown(doc.content))}</article>
</section></div>`
  return layout(`${doc.title} · ${pkg.name}`, body)
}

/** A version's page: every environment it is in, and the API reference of `shown` (one of them). */
export function versionPage (pkg: ServicePackage, docs: DocumentHead[], v: PortalVersion, shown: PortalEnvironment): string {
  const specUrl = `/api/packages/${seg(pkg.slug)}/versions/${seg(v.version)}/spec.json?environment=${encodeURIComponent(shown.runtime_group)}`
  const withSpec = v.environments.filter((e) => e.spec !== null)
  const body = html`<div class="with-nav">${docNav(pkg, docs, null)}<section class="content">
<p class="crumbs"><a href="/packages/${seg(pkg.slug)}">${pkg.name}</a></p>
<h1>${pkg.name} ${v.version}</h1>
${v.environments.map((e) => html`<section class="environment" data-environment="${e.runtime_group}">
<h2>${e.runtime_group} ${statusBadge(e.status)}</h2>
${e.status === 'deprecated' ? html`<div class="banner deprecated" role="alert">Version ${v.version} is deprecated in ${e.runtime_group}: plan to move to a newer version.</div>` : ''}
<h3>Reachable at</h3>
${endpointList(e)}
</section>`)}
<h2>API reference${withSpec.length > 0 ? html` <small>${shown.runtime_group}</small>` : ''}</h2>
${withSpec.length > 1 ? html`<nav class="spec-environments" aria-label="API reference by environment"><ul>${withSpec.map((e) => html`<li><a href="${versionHref(pkg, v, e.runtime_group)}"${e === shown ? html` aria-current="page"` : ''}>${e.runtime_group}</a></li>`)}</ul></nav>` : ''}
${shown.spec === null ? html`<p class="empty">This version has no API spec${withSpec.length > 0 ? ` in ${shown.runtime_group}` : ''}.</p>` : html`<div id="swagger-ui" data-spec-url="${specUrl}"></div>`}
</section></div>`
  return layout(`${pkg.name} ${v.version}`, body, shown.spec === null
    ? {}
    : { styles: ['/assets/swagger-ui/swagger-ui.css'], scripts: ['/assets/swagger-ui/swagger-ui-bundle.js', '/assets/api-reference.js'] })
}

export function messagePage (status: number, text: string): string {
  return layout(String(status), html`<h1>${status}</h1><p>${text}</p><p><a href="/">All APIs</a></p>`)
}
