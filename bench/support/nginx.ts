// The nginx baseline of the load benches: one worker, no access log, temp files in `dir`, pinned to
// the proxy core like the proxies it is compared with. `http` is the body of its http {} block for
// the port it listens on (upstreams and servers).

import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROXY_CORE, children, freePort, pin, waitForPort } from './load.js'

export async function startNginx (dir: string, http: (port: number) => string): Promise<{ child: ChildProcess, port: number }> {
  const port = await freePort()
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
master_process off;
worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${http(port)}
}
`)
  const argv = [...pin(PROXY_CORE), '/usr/sbin/nginx', '-p', dir, '-c', join(dir, 'nginx.conf')]
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  await waitForPort(port)
  return { child, port }
}
