/* The board's disclosure panels (templates/workshops/board.html: vote settings and
 * spotlight, suggested groups, agenda, breakout groups): each a <details> whose
 * <summary> is its heading, closed the first time the board is opened so that the
 * wall is in view, then open or closed as the person left it, per board, for the
 * tab (sessionStorage). */

/** Restore and remember the panels of `root` (`details[data-panel]`) on `board`. */
export function rememberPanels(root, board) {
  for (const panel of root.querySelectorAll("details[data-panel]")) {
    const key = `greenpact:board:${board}:panel:${panel.dataset.panel}`;
    try {
      if (sessionStorage.getItem(key) === "open") panel.open = true;
    } catch {
      // Storage forbidden: the panels start closed.
    }
    panel.addEventListener("toggle", () => {
      try {
        if (panel.open) sessionStorage.setItem(key, "open");
        else sessionStorage.removeItem(key);
      } catch {
        // Storage forbidden: the choice holds for this page only.
      }
    });
  }
}
