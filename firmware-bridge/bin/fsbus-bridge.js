#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --v8-pool-size=1
// Launcher of the built service (npm run build first): kept out of dist/ so it stays executable.
// For the bus's small box: one V8 worker thread and at most two malloc arenas. More only cost
// memory (about 4 MiB of RSS each in `npm run bench -- bridge`), for a service that idles at
// about 1 % of a core.
import '../dist/fsbus-bridge.mjs';
