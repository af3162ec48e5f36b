import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

// Static files of the portal: its stylesheet and the API reference's start-up script (kept here as
// text, so the build needs no copy step), and Swagger UI's bundle and stylesheet served from
// node_modules/swagger-ui-dist (no CDN). Only the files listed here can be fetched.

const PORTAL_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f7f8fa}
a{color:#1b5fc1}
header.top{background:#13294b;padding:.8rem 1.5rem}
header.top .brand{color:#fff;font-weight:600;text-decoration:none;font-size:1.1rem}
main{max-width:1200px;margin:0 auto;padding:1.5rem}
form.search{display:flex;gap:.5rem;margin:1rem 0}
form.search input[type=search]{flex:1;padding:.5rem .7rem;font-size:1rem;border:1px solid #b8c0cc;border-radius:4px}
form.search button{padding:.5rem 1rem;font-size:1rem;border:0;border-radius:4px;background:#1b5fc1;color:#fff;cursor:pointer}
ul.labels{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem}
.label{display:inline-block;padding:.1rem .5rem;border-radius:999px;background:#e4e9f2;color:#26334d;font-size:.85rem;text-decoration:none}
a.label.on{background:#1b5fc1;color:#fff}
ul.packages{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
li.package{background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:1rem}
li.package h2{margin:0 0 .3rem;font-size:1.2rem}
.with-nav{display:flex;gap:2rem;align-items:flex-start}
nav.docs-nav{flex:0 0 220px;background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:.8rem}
nav.docs-nav h2{font-size:1rem;margin:0 0 .4rem}
nav.docs-nav ul{list-style:none;padding-left:.9rem;margin:.2rem 0}
nav.docs-nav > ul{padding-left:0}
nav.docs-nav a[aria-current]{font-weight:700;color:#1d2330}
section.content{flex:1;min-width:0}
table.versions{border-collapse:collapse;width:100%;background:#fff}
table.versions th,table.versions td{border:1px solid #dde2ea;padding:.4rem .6rem;text-align:left;vertical-align:top}
ul.routes{list-style:none;padding:0;margin:0}
ul.environments{list-style:none;padding:0;margin:0}
div.environment + div.environment{margin-top:.4rem}
.environment-name{display:block;font-size:.8rem;color:#6b7486}
section.environment h2{font-size:1.1rem}
nav.spec-environments ul{list-style:none;padding:0;display:flex;gap:.8rem}
nav.spec-environments a[aria-current]{font-weight:700;color:#1d2330}
.status{display:inline-block;padding:.05rem .45rem;border-radius:4px;font-size:.8rem;text-transform:uppercase;letter-spacing:.03em}
.status-published{background:#dcf3e3;color:#17603a}
.status-deprecated{background:#fde6c8;color:#8a4b00}
.banner.deprecated{background:#fff4e0;border:1px solid #f0b35a;color:#6b3a00;padding:.7rem 1rem;border-radius:6px;margin:1rem 0}
.empty{color:#6b7486}
article.markdown{background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:1rem 1.5rem}
article.markdown pre{background:#f1f3f7;padding:.7rem;overflow:auto}
.crumbs{margin:0;font-size:.9rem}
#swagger-ui{background:#fff;border:1px solid #dde2ea;border-radius:6px}
`

const API_REFERENCE_JS = `(function () {
  var el = document.getElementById('swagger-ui')
  if (!el || typeof window.SwaggerUIBundle !== 'function') return
  window.ui = window.SwaggerUIBundle({
    url: el.getAttribute('data-spec-url'),
    domNode: el,
    deepLinking: false,
    validatorUrl: null,
    supportedSubmitMethods: [],
    docExpansion: 'list',
    defaultModelsExpandDepth: 0
  })
})()
`

export interface Asset { body: Buffer, type: string }

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const SWAGGER_UI_FILES: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8'
}

const cache = new Map<string, Asset>([
  ['portal.css', { body: Buffer.from(PORTAL_CSS), type: 'text/css; charset=utf-8' }],
  ['api-reference.js', { body: Buffer.from(API_REFERENCE_JS), type: 'text/javascript; charset=utf-8' }]
])

/** `/assets/<name>` → the file, or null for anything not listed. Swagger UI's files are read once. */
export function findAsset (name: string): Asset | null {
  const cached = cache.get(name)
  if (cached !== undefined) return cached
  const file = name.startsWith('swagger-ui/') ? name.slice('swagger-ui/'.length) : null
  if (file === null || !Object.hasOwn(SWAGGER_UI_FILES, file)) return null
  const asset = { body: readFileSync(join(SWAGGER_UI_DIR, file)), type: SWAGGER_UI_FILES[file] }
  cache.set(name, asset)
  return asset
}
