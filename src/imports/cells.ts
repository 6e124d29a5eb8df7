// Excel and LibreOffice show a number too long for the column in scientific notation, and keep
// at most 15 (Excel) or 17 (LibreOffice) significant digits: a code written so has lost digits.
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?E[+-]?\d{1,3}$/;

/**
 * Whether a cell holds a long code (ID number, area code) that a spreadsheet program stored as a
 * number: an XLSX cell read as such (the table reader writes numbers beyond 2^53 as `3.3E+17`) or
 * a CSV exported from one ("3.30108E+17"). Its digits are lost: the row is refused under
 * `excelRounded`, never repaired by guessing.
 */
export function isSpreadsheetRounded(cell: string | undefined): boolean {
  return cell !== undefined && SCIENTIFIC.test(cell.normalize('NFKC').replace(/\s+/g, '').toUpperCase());
}
