// Where a navigation key takes a byte cursor, shared by the hex view and the compare tab.

/**
 * The offset an arrow, Page, Home or End key moves the cursor to (not clamped to the file), or
 * undefined for any other key. `page` is a screen of bytes; Ctrl+Home / Ctrl+End go to the ends.
 */
export function cursorMove(
  key: string,
  at: { cursor: number; bytesPerRow: number; page: number; size: number; ctrl: boolean },
): number | undefined {
  const { cursor, bytesPerRow, page, size, ctrl } = at;
  const rowStart = cursor - (cursor % bytesPerRow);
  const moves: Record<string, number | undefined> = {
    ArrowLeft: cursor - 1,
    ArrowRight: cursor + 1,
    ArrowUp: cursor - bytesPerRow,
    ArrowDown: cursor + bytesPerRow,
    PageUp: cursor - page,
    PageDown: cursor + page,
    Home: ctrl ? 0 : rowStart,
    End: ctrl ? size - 1 : rowStart + bytesPerRow - 1,
  };
  return moves[key];
}
