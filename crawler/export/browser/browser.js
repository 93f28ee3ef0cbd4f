// The article index: sort by any column, filter by words and by site.
"use strict";
(function () {
  const table = document.getElementById("articles");
  const body = table.tBodies[0];
  const words = document.getElementById("filter-words");
  const site = document.getElementById("filter-site");
  const shown = document.getElementById("shown");

  function filter() {
    const wanted = words.value.trim().toLowerCase();
    let count = 0;
    for (const row of body.rows) {
      const match = (!wanted || row.textContent.toLowerCase().includes(wanted)) &&
        (!site.value || row.dataset.site === site.value);
      row.hidden = !match;
      if (match) count += 1;
    }
    shown.textContent = String(count);
  }

  function sort(header) {
    const column = header.cellIndex;
    const numeric = header.classList.contains("number");
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = (row) => row.cells[column].dataset.value ?? row.cells[column].textContent;
    const rows = Array.from(body.rows).sort((a, b) => {
      const x = key(a), y = key(b);
      const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    body.append(...rows);
  }

  words.addEventListener("input", filter);
  site.addEventListener("change", filter);
  for (const header of table.tHead.rows[0].cells) {
    header.addEventListener("click", () => sort(header));
  }
  filter();
})();
