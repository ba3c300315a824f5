#!/usr/bin/env -S node --v8-pool-size=1
// Launcher of the built service (npm run build first): kept out of dist/ so it stays executable.
// One V8 worker thread: on the bus's small box more only cost memory (about 4 MiB of RSS each
// in `npm run bench -- bridge`), for a service that idles at about 1 % of a core.
import '../dist/fsbus-bridge.mjs';
