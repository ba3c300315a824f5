#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node
// Launcher of the built service (npm run build first): kept out of dist/ so it stays executable.
// The malloc settings are fsbus-broker's (see its launcher): scrypt's 16 MiB per login.
import '../dist/fsbus-central.mjs';
