import { createLogSerializer } from '../log-serializer.js'
import { definePluginHandler } from '../types.js'
import { fileSink, type FileSink } from './file-sink.js'
import { fileLogSpec, type FileLogConfig } from './schema.js'
import type { LogSerializer } from '../log-serializer.js'

// Kong's file-log: one JSON line per request (Kong's log serializer), appended to `path`. The log
// phase only queues the line; the sink writes batches off the request path (file-sink.ts).

interface FileLogState { sink: FileSink, serializer: LogSerializer }

export const fileLogHandler = definePluginHandler(fileLogSpec, {
  configure (config: FileLogConfig, ctx): FileLogState {
    return {
      sink: fileSink(config.path, config.reopen, ctx.log),
      serializer: ctx.memo('serializer', () => createLogSerializer(ctx.gateway))
    }
  },
  log (ctx, state) {
    state.sink.push(`${state.serializer.serialize(ctx)}\n`)
  }
})
