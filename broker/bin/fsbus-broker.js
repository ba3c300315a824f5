#!/usr/bin/env node
// Launcher of the built service (npm run build first): kept out of dist/ so it stays executable.
import '../dist/fsbus-broker.mjs';
