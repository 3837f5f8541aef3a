// The event wall refreshes itself: every few seconds it asks for the wall's
// data and writes the new counts and lists into the page. Text is written
// with textContent only, never as markup. When a request fails, what is on
// the screen stays until the next one answers.
(() => {
  const wall = document.getElementById("wall");
  if (!wall || !window.fetch) return;
  const url = wall.dataset.wallUrl;
  const every = Number(wall.dataset.pollMs) || 5000;
  let last = "";

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setText(id, value) {
    const node = document.getElementById(id);
    if (node) node.textContent = String(value);
  }

  function fill(id, items, build) {
    const list = document.getElementById(id);
    if (!list) return;
    list.replaceChildren(...items.map(build));
    const empty = document.getElementById(id + "-empty");
    if (empty) empty.hidden = items.length > 0;
  }

  function show(data) {
    setText("wall-received", data.totals.received);
    setText("wall-accepted", data.totals.accepted);
    fill("wall-themes", data.themes, (row) => {
      const tr = element("tr");
      const name = element("th", "", row.name);
      name.scope = "row";
      tr.append(
        name,
        element("td", "wall__num", String(row.received)),
        element("td", "wall__num", String(row.accepted)),
      );
      return tr;
    });
    fill("wall-latest", data.latest, (idea) => {
      const li = element("li");
      li.append(
        element("span", "wall__idea-number", "#" + idea.number),
        " ",
        element("span", "wall__idea-title", idea.title),
      );
      if (idea.theme) li.append(element("span", "wall__idea-theme", idea.theme));
      return li;
    });
    fill("wall-clusters", data.clusters, (cluster) => {
      const li = element("li");
      li.append(
        element("span", "wall__group-name", cluster.name),
        " ",
        element("span", "wall__group-count", String(cluster.accepted)),
      );
      return li;
    });
  }

  async function refresh() {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        cache: "no-store",
        credentials: "same-origin",
        signal: window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(every) : undefined,
      });
      if (response.ok) {
        const text = await response.text();
        if (text !== last) {
          const data = JSON.parse(text);
          show(data);
          last = text;
        }
      }
    } catch (error) {
      // Offline for a moment, or a slow answer: keep the last data.
    }
    window.setTimeout(refresh, every);
  }

  window.setTimeout(refresh, every);
})();
