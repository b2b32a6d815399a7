/** The header row of an NHS.UK data table: one column header per heading. */
import type { ReactNode } from 'react';

/** Props of TableHead. */
export interface TableHeadProps {
  /** Column headings, in order. */
  columns: readonly ReactNode[];
  /** Columns from this index on hold numbers and are right-aligned. Default none. */
  numericFrom?: number;
  /** Class of the header row, e.g. `nhsuk-table__row`. Default none. */
  rowClassName?: string;
}

/** `<thead>` with one `<th scope="col">` a column. */
export function TableHead({ columns, numericFrom = columns.length, rowClassName }: TableHeadProps) {
  return (
    <thead className="nhsuk-table__head">
      <tr className={rowClassName}>
        {columns.map((column, i) => (
          <th
            key={i}
            scope="col"
            className={i < numericFrom ? 'nhsuk-table__header' : 'nhsuk-table__header nhsuk-table__header--numeric'}
          >
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
