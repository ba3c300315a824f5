// Zod compiles fast object parsers with new Function() when a page allows it, deciding so when
// each schema is built, that is when @fsbus/shared loads. The screen's CSP forbids eval
// (script-src 'self'), so this module, imported first by main.tsx, tells zod not to try: no
// probe, no CSP violation report.
import { config } from 'zod';

config({ jitless: true });
