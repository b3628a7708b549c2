// The Hunting page's KQL editor as an analyst meets it, at 1280x800 and 400x800, in light, dark and high contrast:
// the query is coloured (a keyword and a string in different colours), typing offers tables, then operators after
// `|`, then the table's columns, accepted with the keyboard or a click; the results' first row is in view after Run
// without scrolling; a broken query puts the caret on the reported line and column and marks the place.
// Needs the built tab (`npm run build`) and Debian's Chromium.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hiddenBy, type TabPageOptions, type TabTheme, type ViewportName } from './support/tab-page.js';
import { MEGAN, useTabSuite } from './support/tab-suite.js';

const CASES: { viewport: ViewportName; theme: TabTheme }[] = [
  { viewport: 'desktop', theme: 'light' },
  { viewport: 'mobile', theme: 'light' },
  { viewport: 'desktop', theme: 'dark' },
  { viewport: 'mobile', theme: 'dark' },
  { viewport: 'desktop', theme: 'contrast' },
  { viewport: 'mobile', theme: 'contrast' },
];
/** The sizes the issue names: 800 px high, desktop and Teams mobile width. */
const SIZE = { desktop: { width: 1280, height: 800 }, mobile: { width: 400, height: 800 } } as const;
const nameOf = (c: TabPageOptions) => `${c.viewport}-${c.theme}`;

const suite = useTabSuite('hunting-editor');

const valueOf = (editor: Locator) => editor.evaluate((el) => (el as HTMLTextAreaElement).value);
const caretOf = (editor: Locator) =>
  editor.evaluate((el) => {
    const t = el as HTMLTextAreaElement;
    return { focused: document.activeElement === t, start: t.selectionStart, end: t.selectionEnd };
  });
const colourOf = (token: Locator) => token.evaluate((el) => getComputedStyle(el).color);

/** The open suggestion list, checked visible; its options' names. */
async function suggestions(page: Page, name: string): Promise<string[]> {
  const list = page.getByRole('listbox', { name });
  await list.waitFor();
  expect(await hiddenBy(list.getByRole('option').first()), `${name} list`).toEqual([]);
  return list.getByRole('option').allInnerTexts();
}

describe('the KQL editor (Chromium, Zava)', () => {
  for (const c of CASES) {
    it(`colours KQL, completes tables, operators and columns, runs into view (${nameOf(c)})`, async () => {
      const { context, page } = await suite.open(MEGAN, '/hunting', c);
      try {
        await page.setViewportSize(SIZE[c.viewport]);
        const editor = page.getByRole('textbox', { name: 'Query' });
        await editor.click();

        // A table where the query starts; Enter takes it.
        await page.keyboard.type('AIAg');
        expect(await suggestions(page, 'Tables')).toEqual([expect.stringMatching(/^AIAgentsInfo/)]);
        await page.keyboard.press('Enter');
        expect(await valueOf(editor)).toBe('AIAgentsInfo');

        // Operators after the pipe; Tab takes one.
        await page.keyboard.type(' | ');
        const operators = await suggestions(page, 'Operators');
        expect(operators.some((o) => o.startsWith('mv-expand'))).toBe(true);
        await page.keyboard.type('wh');
        // What starts with the word comes first, then what contains it.
        expect(await suggestions(page, 'Operators')).toEqual([
          expect.stringMatching(/^where/),
          expect.stringMatching(/^parse-where/),
        ]);
        await page.keyboard.press('Tab');
        expect(await valueOf(editor)).toBe('AIAgentsInfo | where ');
        // Tab took the suggestion, it did not leave the editor.
        expect((await caretOf(editor)).focused).toBe(true);

        // The table's columns: Down moves to the second, Enter takes it.
        await page.keyboard.type('AIAg');
        const columns = page.getByRole('listbox', { name: 'Columns' });
        expect(await suggestions(page, 'Columns')).toEqual([
          expect.stringMatching(/^AIAgentId/),
          expect.stringMatching(/^AIAgentName/),
        ]);
        await page.keyboard.press('ArrowDown');
        expect(await columns.getByRole('option', { selected: true }).innerText()).toMatch(/^AIAgentName/);
        await page.keyboard.press('Enter');
        expect(await valueOf(editor)).toBe('AIAgentsInfo | where AIAgentName');

        // Escape closes the list and keeps the text.
        await page.keyboard.type(' has "Sales" | project AIAgentName, AgentSt');
        await columns.waitFor();
        await page.keyboard.press('Escape');
        await columns.waitFor({ state: 'detached' });
        expect(await valueOf(editor)).toBe(
          'AIAgentsInfo | where AIAgentName has "Sales" | project AIAgentName, AgentSt',
        );

        // A click takes a suggestion too (Ctrl+Space opens the list again).
        await page.keyboard.press('Control+Space');
        await columns.getByRole('option', { name: /^AgentStatus/ }).click();
        const query = 'AIAgentsInfo | where AIAgentName has "Sales" | project AIAgentName, AgentStatus';
        expect(await valueOf(editor)).toBe(query);
        const caret = await caretOf(editor);
        expect(caret).toEqual({ focused: true, start: query.length, end: query.length });

        // Coloured: a keyword, a string and a table name each in a colour of their own, none in the plain text's.
        const highlight = page.getByTestId('kql-highlight');
        const keyword = highlight.locator('[data-kind="keyword"]', { hasText: 'where' });
        const string = highlight.locator('[data-kind="string"]', { hasText: '"Sales"' });
        const table = highlight.locator('[data-kind="table"]', { hasText: 'AIAgentsInfo' });
        const plain = await highlight.evaluate((el) => getComputedStyle(el).color);
        const [keywordColour, stringColour] = [await colourOf(keyword), await colourOf(string)];
        expect(keywordColour).not.toBe(stringColour);
        expect(keywordColour).not.toBe(plain);
        expect(stringColour).not.toBe(plain);
        // The coloured copy lies exactly over the textarea's own text (same line, same start), scrolled as it is.
        const [copyBox, areaBox] = [await table.boundingBox(), await editor.boundingBox()];
        const scrolled = await editor.evaluate((el) => el.scrollLeft);
        expect(Math.abs((copyBox?.x ?? 0) - (areaBox?.x ?? 0) - 6 + scrolled)).toBeLessThan(2);
        await suite.shot(page, `typed-${nameOf(c)}`);

        // Run: the results' first row is in view without the test scrolling.
        await page.getByRole('button', { name: 'Run query' }).click();
        const firstRow = page.getByRole('table', { name: 'Hunting results' }).getByRole('row').nth(1);
        await firstRow.waitFor();
        await expect.poll(() => hiddenBy(firstRow)).toEqual([]);
        expect(await firstRow.innerText()).toMatch(/Sales/);
        await suite.shot(page, `results-${nameOf(c)}`);

        // The export is named after the query's table.
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: 'Export CSV' }).click();
        expect((await download).suggestedFilename()).toMatch(/^hunting-query-AIAgentsInfo-\d{4}-\d{2}-\d{2}\.csv$/);
      } finally {
        await context.close();
      }
    });

    it(`puts the caret on a parse error and marks it (${nameOf(c)})`, async () => {
      const { context, page } = await suite.open(MEGAN, '/hunting', c);
      try {
        await page.setViewportSize(SIZE[c.viewport]);
        const editor = page.getByRole('textbox', { name: 'Query' });
        const text = 'AIAgentsInfo\n| where AIAgentName has "Sales"\n| summarise count()';
        await editor.fill(text);
        await editor.blur();
        await page.getByRole('button', { name: 'Run query' }).click();
        const message = page.locator('.fui-MessageBar').filter({ hasText: 'The query did not run' });
        await message.waitFor();
        const [, line, column] = /line (\d+), column (\d+)/.exec(await message.innerText()) ?? [];
        expect(line).toBe('3');
        const at = text.lastIndexOf('\n') + Number(column);
        expect(await caretOf(editor)).toEqual({ focused: true, start: at, end: at });

        // The place is marked where a person sees it, and its line number too.
        const mark = page.getByTestId('kql-error');
        expect(await mark.innerText()).toBe(text.slice(at, at + 'summarise'.length));
        // (The coloured copy takes no pointer events, so it is checked by its box: inside the editor and the window.)
        const [markBox, editorBox] = [await mark.boundingBox(), await editor.boundingBox()];
        expect(markBox && editorBox).toBeTruthy();
        if (markBox && editorBox) {
          expect(markBox.width).toBeGreaterThan(10);
          expect(markBox.x).toBeGreaterThanOrEqual(editorBox.x);
          expect(markBox.x + markBox.width).toBeLessThanOrEqual(
            Math.min(editorBox.x + editorBox.width, SIZE[c.viewport].width),
          );
          expect(markBox.y).toBeGreaterThanOrEqual(Math.max(editorBox.y, 0));
          expect(markBox.y + markBox.height).toBeLessThanOrEqual(
            Math.min(editorBox.y + editorBox.height, SIZE[c.viewport].height),
          );
        }
        expect(await page.getByTestId('line-numbers').locator('[data-error-line]').innerText()).toBe('3');
        await suite.shot(page, `error-${nameOf(c)}`);

        // An edit clears the mark (it pointed at text that has changed).
        await page.keyboard.press('End');
        await page.keyboard.type(' ');
        await mark.waitFor({ state: 'detached' });
      } finally {
        await context.close();
      }
    });
  }
});
