// @vitest-environment jsdom
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { PagedListBody } from '../../src/components/PagedListBody/PagedListBody.js';
import type { PagedList } from '../../src/hooks/usePagedList.js';
import './render.js';

const listOf = (over: Partial<PagedList<string>>): PagedList<string> => ({
  items: [],
  error: undefined,
  loading: false,
  loadingMore: false,
  hasMore: false,
  total: null,
  loadMore: vi.fn(),
  retry: vi.fn(),
  refresh: vi.fn(),
  ...over,
});

const draw = (list: PagedList<string>) =>
  render(
    <FluentProvider theme={teamsLightTheme}>
      <PagedListBody
        list={list}
        errorTitle="Could not load things"
        loadingLabel="Loading things"
        empty={<p>No things</p>}
        moreLabel="Load more things"
      >
        {(items) => (
          <ul>
            {items.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        )}
      </PagedListBody>
    </FluentProvider>,
  );

describe('PagedListBody (the one "Load more" list body of incidents, approvals and audit)', () => {
  it('shows the error with Retry', () => {
    const list = listOf({ error: new Error('Server down') });
    draw(list);
    expect(screen.getByText('Could not load things')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /retry/i }));
    expect(list.retry).toHaveBeenCalled();
  });

  it('shows the loading label, then the empty state', () => {
    const { unmount } = draw(listOf({ loading: true }));
    expect(screen.getAllByText('Loading things').length).toBeGreaterThan(0);
    unmount();
    draw(listOf({}));
    expect(screen.getByText('No things')).toBeTruthy();
  });

  it('draws the items and loads more while the server has more; the button is off while loading', () => {
    const list = listOf({ items: ['a', 'b'], hasMore: true });
    const { rerender } = draw(list);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['a', 'b']);
    fireEvent.click(screen.getByRole('button', { name: 'Load more things' }));
    expect(list.loadMore).toHaveBeenCalledTimes(1);
    rerender(
      <FluentProvider theme={teamsLightTheme}>
        <PagedListBody
          list={{ ...list, loadingMore: true }}
          errorTitle="x"
          loadingLabel="x"
          empty={null}
          moreLabel="Load more things"
        >
          {(items) => items.join(',')}
        </PagedListBody>
      </FluentProvider>,
    );
    expect((screen.getByRole('button', { name: /Load more things/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers no button once everything is loaded', () => {
    draw(listOf({ items: ['a'], hasMore: false }));
    expect(screen.queryByRole('button', { name: 'Load more things' })).toBeNull();
  });
});
