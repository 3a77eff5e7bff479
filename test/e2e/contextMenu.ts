// Context menus of the real workbench (monaco's DOM menu, `.context-view .monaco-menu`), driven as
// a user drives them, with every step waiting for a state the page shows rather than for a time:
//
// - An extension's items show in the Explorer's menu once the workbench has registered the
//   extension's contributions. The menu is built when it opens, so a menu opened earlier lacks
//   them: it is closed and opened again until it lists the item.
// - Monaco runs a menu item on *mouseup*, and adds that mouseup listener only when a 100 ms timer
//   set at render has run ("to avoid accidental clicks": the mouseup of the right-click that opened
//   the menu). A click before that is swallowed without a trace: the menu stays open with the item
//   highlighted. On a busy 2-core machine the timer ran up to 0.3 s after the item showed (the
//   items appear while the workbench is busiest, registering the extension), so a fixed pause
//   before the click loses now and then. Here the click waits until the item's element has that
//   listener (read through the DevTools protocol, as DevTools' Event Listeners pane reads it).
// - After the click, the menu must close (running an item closes it first). If it is still open,
//   the click did not take, and it is given again at once.
// - A menu can also close or be rebuilt under the pointer while the workbench is busy (seen once
//   under load: the element went away during the hover, and the hover waited 30 s). Each step
//   then fails fast and the menu is opened again, at most 5 times.

import type { CDPSession, Locator, Page } from 'playwright-core';

const menuSelector = '.context-view .monaco-menu';
/** How long one opening of the menu may take to show. */
const menuShowsMs = 10_000;
/** How long an item may take to get its mouseup listener (the timer is 100 ms). */
const itemArmsMs = 10_000;
/** How long the menu may take to close once its item ran (the item runs from a 0 ms timer). */
const menuClosesMs = 5_000;
/** Pause between openings while the workbench has not registered the extension's items yet. */
const reopenPauseMs = 250;
const clickAttempts = 3;
/** How often a menu that closed under the pointer is opened again before giving up. */
const maxReopenings = 5;
/** Between two looks at the item's listeners. */
const pollMs = 20;

let menusOpened = 0;

/** One opened context menu, told apart from any menu opened later by a data attribute. */
export interface OpenMenu {
  /** The menu element of this opening; matches nothing once the menu closed (or was rebuilt). */
  readonly menu: Locator;
  /** The item, in this menu. */
  readonly item: Locator;
  /** The item's label as the menu shows it. */
  readonly label: string;
  /** The value of this opening's data-e2e-menu attribute. */
  readonly id: string;
}

/**
 * Right-clicks `row` until its context menu lists `menuItem` and returns that menu, left open.
 * The menu's items are read once it shows; a menu without the item is closed and opened again.
 */
export async function openContextMenu(page: Page, row: Locator, menuItem: string, timeoutMs = 90_000): Promise<OpenMenu> {
  const started = Date.now();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  for (let opening = 1; ; opening++) {
    await closeContextMenus(page);
    // Hovering a row shows its path in a hover that can sit over the next row and take the
    // right-click: the pointer starts outside the Explorer.
    await page.mouse.move(0, 0);
    const menu = page.locator(menuSelector);
    const shown = await row.click({ button: 'right', timeout: menuShowsMs })
      .then(() => menu.first().waitFor({ state: 'visible', timeout: menuShowsMs }))
      .then(() => true, () => false);
    if (shown) {
      const id = String(++menusOpened);
      // Marks this opening, and reads its labels in the same task: a menu rebuilt later is another element.
      const labels = await menu.first().evaluate((element, mark) => {
        element.setAttribute('data-e2e-menu', mark);
        return Array.from(element.querySelectorAll('.action-label'), (label) => (label.textContent ?? '').trim());
      }, id).catch(() => [] as string[]);
      if (labels.includes(menuItem)) {
        if (opening > 1) console.log(`      ("${menuItem}" was in the context menu at opening ${opening}, after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        const opened = page.locator(`${menuSelector}[data-e2e-menu="${id}"]`);
        return { menu: opened, item: opened.locator('.action-label').filter({ hasText: exactly(menuItem) }), label: menuItem, id };
      }
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`The context menu did not list "${menuItem}" in ${opening} openings over ${timeoutMs / 1000} s.`);
    }
    await page.waitForTimeout(reopenPauseMs);
  }
}

/**
 * Opens `row`'s context menu and clicks `menuItem` with the mouse as a user does (pointer onto the
 * item, the item highlighted, press, release) once the item takes a click; resolves when the
 * menu has closed, that is when the item ran.
 */
export async function clickContextMenuItem(page: Page, row: Locator, menuItem: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    let opened = await openContextMenu(page, row, menuItem);
    let reopenings = 0;
    /** The menu closed or was rebuilt under the pointer (focus moved to a notification, say): open it again. */
    const reopen = async (when: string): Promise<void> => {
      if (++reopenings > maxReopenings) throw new Error(`The context menu closed ${reopenings} times before "${menuItem}" ${when}.`);
      console.log(`      (the context menu closed before "${menuItem}" ${when}; opening it again)`);
      opened = await openContextMenu(page, row, menuItem);
    };
    for (let click = 1; ; click++) {
      if (!(await waitUntilClickable(cdp, opened, itemArmsMs))) {
        await reopen('was clicked');
        continue;
      }
      // Each step fails fast when the marked menu is gone (its locators then match nothing).
      if (!(await opened.item.hover({ timeout: menuShowsMs }).then(() => true, () => false))) {
        await reopen('was hovered');
        continue;
      }
      // The menu highlights the item under the pointer: it has seen the pointer arrive.
      const highlighted = await opened.menu.locator('.action-item.focused .action-label').filter({ hasText: exactly(menuItem) })
        .waitFor({ state: 'visible', timeout: menuShowsMs }).then(() => true, () => false);
      if (!highlighted) {
        await reopen('was highlighted');
        continue;
      }
      // A click Playwright could not perform (the element went away first) ran nothing.
      if (!(await opened.item.click({ timeout: menuShowsMs }).then(() => true, () => false))) {
        await reopen('took the click');
        continue;
      }
      if (await opened.menu.waitFor({ state: 'detached', timeout: menuClosesMs }).then(() => true, () => false)) return;
      if (click >= clickAttempts) {
        throw new Error(`"${menuItem}" was clicked ${click} times once it had its mouseup listener, and each time the menu stayed open.`);
      }
      console.log(`      (the context menu stayed open after "${menuItem}" was clicked; clicking again)`);
    }
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Closes any open context menu (Escape, then waits until none shows). */
export async function closeContextMenus(page: Page): Promise<void> {
  const menus = page.locator(menuSelector);
  if (await menus.count() === 0) return;
  await page.keyboard.press('Escape');
  await menus.first().waitFor({ state: 'detached', timeout: menuShowsMs });
}

/**
 * Waits until the item's element has monaco's mouseup listener, the one that runs the item (its
 * source calls `onClick`); false when the menu closed first.
 */
async function waitUntilClickable(cdp: CDPSession, opened: OpenMenu, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const objectGroup = 'glimpse-e2e-menu';
  while (Date.now() < deadline) {
    const { result } = await cdp.send('Runtime.evaluate', {
      objectGroup,
      expression: `(() => {
        const menu = document.querySelector(${JSON.stringify(`${menuSelector}[data-e2e-menu="${opened.id}"]`)});
        const labels = menu ? Array.from(menu.querySelectorAll('.action-label')) : [];
        const label = labels.find((element) => element.textContent.trim() === ${JSON.stringify(opened.label)});
        return label ? label.closest('.action-item') : null;
      })()`,
    });
    if (!result.objectId) return false;
    try {
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      if (listeners.some((listener) => listener.type === 'mouseup' && /\bonClick\b/.test(listener.handler?.description ?? ''))) return true;
    } finally {
      await cdp.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`The context menu's "${opened.label}" did not get the mouseup listener that runs it within ${timeoutMs / 1000} s (has monaco's menu changed?).`);
}

/** Matches an element whose whole text is `text` (after trimming). */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
