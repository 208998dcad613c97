// "Select all on this page" for a list's checkboxes (the page works without it: each
// box is ticked by hand). A box marked `data-select-all="NAME"` is shown, ticks or
// unticks every checkbox named NAME, and follows them: ticked when all are,
// "mixed" when some are.

function boxesFor(master) {
  const name = master.dataset.selectAll;
  return [...document.querySelectorAll(`input[type=checkbox][name="${name}"]`)];
}

function follow(master) {
  const boxes = boxesFor(master);
  const ticked = boxes.filter((box) => box.checked).length;
  master.checked = boxes.length > 0 && ticked === boxes.length;
  master.indeterminate = ticked > 0 && ticked < boxes.length;
}

for (const master of document.querySelectorAll("[data-select-all]")) {
  const label = master.closest("label");
  if (label) label.hidden = false;
  master.addEventListener("change", () => {
    for (const box of boxesFor(master)) box.checked = master.checked;
  });
  for (const box of boxesFor(master)) {
    box.addEventListener("change", () => follow(master));
  }
  follow(master);
}
