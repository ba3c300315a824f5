#!/usr/bin/env node
// Launcher of the built CLI (npm run build first): kept out of dist/ so it stays executable.
import '../dist/cli.js';
