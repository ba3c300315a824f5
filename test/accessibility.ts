/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// What every screen's accessibility test checks in Chromium: axe-core's WCAG 2.x A/AA rules (and
// best practices) with zero violations, and every visible touch target at least 48x48 CSS px.
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './kiosk-harness.js';

/** Violations of axe-core's WCAG 2.x A/AA rules (and best practices) on the page as it is. */
export async function violations(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  // axe ran its rules on this page (an empty page would pass too).
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations.map((v) => ({
    id: v.id,
    nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }));
}

/** Visible touch targets smaller than 48x48 CSS px. */
export async function smallTargets(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, a, [role="button"], .tile, .radio')]
      .filter((el) => el.offsetParent !== null || el.getClientRects().length > 0)
      // Visually hidden for screen readers only (React Aria's dismiss button of a dialog).
      .filter((el) => {
        for (let node: HTMLElement | null = el; node !== null; node = node.parentElement) {
          if (getComputedStyle(node).clipPath === 'inset(50%)') return false;
        }
        return true;
      })
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.width < 48 || box.height < 48))
      .map(
        ({ el, box }) => `${el.outerHTML.slice(0, 80)} ${String(box.width)}x${String(box.height)}`,
      ),
  );
}

/** Screenshot `name`, then no axe violation and no small target. */
export async function checkAccessible(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready);
  await screenshot(page, name);
  expect(await violations(page), `${name}: axe`).toEqual([]);
  expect(await smallTargets(page), `${name}: touch targets`).toEqual([]);
}
