// Hunting as a person sees it, at desktop and Teams mobile width: the results come into view beside what ran them,
// the editor numbers its lines, a query error puts the caret where it points, and the export is named after what it
// holds. Needs the built tab (`npm run build`) and Debian's Chromium.
import { describe, expect, it } from 'vitest';
import { hiddenBy, type ViewportName } from './support/tab-page.js';
import { MEGAN, useTabSuite } from './support/tab-suite.js';

const VIEWPORTS: ViewportName[] = ['desktop', 'mobile'];
const TEMPLATE = { id: 'mcp-maker-credentials', name: "MCP tools on the maker's credentials" };

const suite = useTabSuite('hunting');

describe('hunting (Chromium, Zava)', () => {
  for (const viewport of VIEWPORTS) {
    it(`shows a template's results in view without scrolling, and exports them by name (${viewport})`, async () => {
      const { context, page } = await suite.open(MEGAN, '/hunting', { viewport });
      const run = page.getByRole('button', { name: `Run template ${TEMPLATE.name}` });
      await run.scrollIntoViewIfNeeded();
      await run.click();
      const summary = page.getByRole('status').filter({ hasText: /\d+ rows?/ });
      await summary.waitFor();
      // Not scrolled by the test: the page brought the results to the person.
      await expect.poll(() => hiddenBy(summary)).toEqual([]);
      await suite.shot(page, `results-${viewport}`);

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      expect((await download).suggestedFilename()).toMatch(
        new RegExp(`^hunting-${TEMPLATE.id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
      );
      await context.close();
    });

    it(`numbers the editor's lines and moves the caret to a parse error (${viewport})`, async () => {
      const { context, page } = await suite.open(MEGAN, '/hunting', { viewport });
      const editor = page.getByRole('textbox', { name: 'Query' });
      await editor.fill('AIAgentsInfo\n| take 5\n| summarise count()');
      const numbers = page.getByTestId('line-numbers');
      await numbers.scrollIntoViewIfNeeded();
      expect(await numbers.innerText()).toBe('1\n2\n3');
      expect(await hiddenBy(numbers)).toEqual([]);
      // The first number sits beside the first line, not above or below it.
      const [gutterTop, editorTop] = await Promise.all([
        numbers.evaluate((el) => el.getBoundingClientRect().top + parseFloat(getComputedStyle(el).paddingTop)),
        editor.evaluate((el) => el.getBoundingClientRect().top + parseFloat(getComputedStyle(el).paddingTop)),
      ]);
      expect(Math.abs(gutterTop - editorTop)).toBeLessThan(3);

      await editor.blur();
      await page.getByRole('button', { name: 'Run query' }).click();
      const error = page.getByText('The query did not run');
      await error.waitFor();
      const message = await page.locator('.fui-MessageBar').filter({ hasText: 'The query did not run' }).innerText();
      const [, line, column] = /line (\d+), column (\d+)/.exec(message) ?? [];
      expect(line).toBe('3');
      const caret = await editor.evaluate((el) => {
        const t = el as HTMLTextAreaElement;
        return { focused: document.activeElement === t, start: t.selectionStart, end: t.selectionEnd };
      });
      const expected = 'AIAgentsInfo\n| take 5\n'.length + Number(column) - 1;
      expect(caret).toEqual({ focused: true, start: expected, end: expected });
      await suite.shot(page, `error-${viewport}`);
      await context.close();
    });
  }
});
