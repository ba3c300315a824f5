#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node
// Launcher of the built service (npm run build first): kept out of dist/ so it stays executable.
// Every login checks a password with scrypt, which takes 16 MiB of memory on a libuv thread.
// glibc keeps such a block in that thread's malloc arena once freed (its mmap threshold grows
// to the largest block freed), so each thread kept 16 MiB: 100 -> 220 MiB of RSS in
// `npm run bench -- throughput`. A fixed threshold returns large blocks to the system on free;
// two arenas are enough for a service that runs JavaScript on one thread.
import '../dist/fsbus-broker.mjs';
