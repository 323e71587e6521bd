// One list read page by page with the server's opaque cursor (加载更多). A newer load
// supersedes an older one: its request is aborted and a late answer is ignored.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { Page } from '../api/types';

export interface CursorList<T> {
  items: T[];
  setItems: React.Dispatch<React.SetStateAction<T[]>>;
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  /**
   * Loads the first page (cursor null) or the next one. `adjust` may change the resulting
   * list, e.g. keep a just-created row visible.
   */
  load: (cursor: string | null, adjust?: (list: T[]) => T[]) => Promise<void>;
}

/**
 * @param fetchPage reads one page; a new function (new filters) reloads from the first page.
 * @param keyOf identifies rows, so that a row seen on an earlier page is not listed twice.
 */
export function useCursorList<T>(
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  keyOf: (row: T) => string | number,
): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;

  const load = useCallback(
    async (cursor: string | null, adjust?: (list: T[]) => T[]) => {
      controller.current?.abort();
      const ac = new AbortController();
      controller.current = ac;
      if (cursor) setLoadingMore(true);
      else setLoading(true);
      try {
        const page = await fetchPage(cursor, ac.signal);
        if (ac.signal.aborted) return;
        setError(null);
        setNextCursor(page.nextCursor);
        setItems((prev) => {
          const seen = new Set(prev.map((r) => keyRef.current(r)));
          const list = cursor
            ? [...prev, ...page.items.filter((r) => !seen.has(keyRef.current(r)))]
            : page.items;
          return adjust ? adjust(list) : list;
        });
      } catch (e) {
        if (!ac.signal.aborted) setError(errorMessage(e));
      } finally {
        if (controller.current === ac) {
          setLoading(false);
          setLoadingMore(false);
        }
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void load(null);
    return () => controller.current?.abort();
  }, [load]);

  return { items, setItems, nextCursor, loading, loadingMore, error, load };
}
