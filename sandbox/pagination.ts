// One page of a fetcher's answer with SalesRender's pageInfo: pageNumber is 1-based [official].

export interface Pagination {
  pageNumber: number;
  pageSize: number;
}

/** Page size when `pagination` is omitted (it is optional [official]; the default is [assumed]). */
export const defaultPageSize = 50;

export function paginate<T>(
  items: T[],
  pagination: Pagination | null | undefined,
): { page: T[]; pageInfo: { itemsCount: number; pagesCount: number; pageSize: number; pageNumber: number } } {
  const pageSize = Math.max(1, pagination?.pageSize ?? defaultPageSize);
  const pageNumber = Math.max(1, pagination?.pageNumber ?? 1);
  return {
    page: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pageInfo: {
      itemsCount: items.length,
      pagesCount: Math.ceil(items.length / pageSize),
      pageSize,
      pageNumber,
    },
  };
}
