import { describe, expect, it } from 'vitest';
import { packageVersion } from './version.js';

describe('packageVersion', () => {
  it('reads the version of the package a module belongs to', () => {
    expect(packageVersion(import.meta.url)).toBe('0.1.0');
  });

  it('says where it looked when no package.json has a version', () => {
    expect(() => packageVersion('file:///no/such/dir/module.js')).toThrow(
      /no package.json with a version above/,
    );
  });
});
