#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node
// Launcher of the built kiosk server (npm run build first): kept out of dist/ so it stays
// executable.
import '../dist/fsbus-kiosk.mjs';
