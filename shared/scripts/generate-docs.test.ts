import { describe, expect, it } from 'vitest';
import { staleFiles } from './generate-docs.js';
import { withProtocolBlock, BEGIN, END } from './protocol-doc.js';

describe('generated documentation', () => {
  it('is up to date: docs/schemas/, config/bus.example.yaml and docs/protocol.md (run npm run docs)', () => {
    expect(staleFiles()).toEqual([]);
  });

  it('keeps the hand-written text around the generated block of docs/protocol.md', () => {
    const document = withProtocolBlock(
      `# Title\n\nhand-written\n\n${BEGIN}\nold\n${END}\n\nafter\n`,
    );
    expect(document.startsWith('# Title\n\nhand-written\n\n')).toBe(true);
    expect(document.endsWith(`${END}\n\nafter\n`)).toBe(true);
    expect(document).not.toContain('\nold\n');
  });
});
